/** Small builders for the control panel's form fields; each returns the field's wrapper. */

export interface Choice {
  value: string;
  label: string;
}

function wrapper(labelText: string, id: string, output = false): { row: HTMLElement; head: HTMLElement } {
  const row = document.createElement('div');
  row.className = 'control';
  row.id = `${id}-row`;
  const head = document.createElement('label');
  head.className = 'label';
  head.htmlFor = id;
  head.append(document.createTextNode(labelText));
  if (output) {
    const out = document.createElement('output');
    out.id = `${id}-value`;
    out.htmlFor.add(id);
    head.append(out);
  }
  row.append(head);
  return { row, head };
}

export function selectField(labelText: string, id: string, choices: readonly Choice[], value: string): HTMLElement {
  const { row } = wrapper(labelText, id);
  const select = document.createElement('select');
  select.id = id;
  for (const c of choices) select.add(new Option(c.label, c.value, c.value === value, c.value === value));
  row.append(select);
  return row;
}

export function numberField(labelText: string, id: string, value: number, min: number, max: number): HTMLElement {
  const { row } = wrapper(labelText, id);
  const input = document.createElement('input');
  Object.assign(input, { type: 'number', id, min: String(min), max: String(max), step: '1', value: String(value) });
  row.append(input);
  return row;
}

/** A range slider with an <output> beside its label that the app fills with the value in words. */
export function sliderField(labelText: string, id: string, value: number, min: number, max: number, step: number): HTMLElement {
  const { row } = wrapper(labelText, id, true);
  const input = document.createElement('input');
  Object.assign(input, { type: 'range', id, min: String(min), max: String(max), step: String(step), value: String(value) });
  row.append(input);
  return row;
}

export function checkboxesField(labelText: string, name: string, choices: readonly Choice[], checked: readonly string[]): HTMLElement {
  const set = document.createElement('fieldset');
  set.className = 'checks';
  set.id = `${name}-row`;
  const legend = document.createElement('legend');
  legend.textContent = labelText;
  set.append(legend);
  for (const c of choices) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    Object.assign(box, { type: 'checkbox', name, value: c.value, checked: checked.includes(c.value) });
    label.append(box, document.createTextNode(` ${c.label}`));
    set.append(label);
  }
  return set;
}

export function group(title: string, ...fields: HTMLElement[]): HTMLElement {
  const set = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = title;
  set.append(legend, ...fields);
  return set;
}
