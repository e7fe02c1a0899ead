import { paretoRows } from '../data/pareto.js';
import { parseResultsJsonl, plottableRows, type ResultsTable, type RowFilter } from '../data/results-file.js';
import { scatterView } from '../views/index.js';

/**
 * The sweep scatter: a results file from the server or a file picker, two axis pickers, the
 * Pareto front of the chosen pair. `body[data-sweep]` says none / loaded / error for tests.
 */
export class SweepPanel {
  private table: ResultsTable | null = null;
  private origin = '';

  constructor() {
    const file = this.el<HTMLInputElement>('sweep-file');
    file.addEventListener('change', async () => {
      const chosen = file.files?.[0];
      if (chosen) this.load(await chosen.text(), chosen.name);
    });
    for (const id of ['sweep-x', 'sweep-y', 'sweep-filter']) this.el(id).addEventListener('change', () => this.render());
    document.body.dataset.sweep = 'none';
  }

  /** Results given to `attnsim viz` on the command line; a 404 means none were given. */
  async loadFromServer(url: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(url);
    } catch {
      return; // no server behind the page (e.g. opened from disk): the file picker still works
    }
    if (response.status === 404) return;
    if (!response.ok) return this.fail(`the server could not read the results file: ${(await response.text()).trim()}`);
    this.load(await response.text(), 'the results file given to attnsim viz');
  }

  load(text: string, origin: string): void {
    try {
      this.table = parseResultsJsonl(text, origin);
    } catch (e) {
      return this.fail((e as Error).message);
    }
    this.origin = origin;
    const fields = this.table.numericFields;
    this.fillAxis('sweep-x', fields, fields[0]!);
    this.fillAxis('sweep-y', fields, fields[1]!);
    const filter = this.el<HTMLSelectElement>('sweep-filter');
    filter.replaceChildren(new Option('all rows', ''), ...this.table.filters.map((f, i) => new Option(`${f.field} = ${f.value}`, String(i))));
    this.el('sweep-error').hidden = true;
    this.render();
  }

  private render(): void {
    if (!this.table) return;
    const x = this.el<HTMLSelectElement>('sweep-x').value;
    const y = this.el<HTMLSelectElement>('sweep-y').value;
    const chosen = this.el<HTMLSelectElement>('sweep-filter').value;
    const filter: RowFilter | null = chosen === '' ? null : this.table.filters[Number(chosen)]!;
    const rows = plottableRows(this.table, x, y, filter);
    const front = paretoRows(rows, x, y);
    const where = filter ? `, ${filter.field} = ${filter.value}` : '';
    this.el('scatter').replaceChildren(scatterView(rows, { x, y, front, title: `Sweep results${where}: ${x} vs ${y}, both minimized` }));
    this.el('sweep-status').textContent = `${rows.length} of ${this.table.rows.length} rows from ${this.origin} plotted; ${front.length} on the Pareto front of (${x}, ${y}).`;
    document.body.dataset.sweep = 'loaded';
  }

  private fail(message: string): void {
    this.table = null;
    const box = this.el('sweep-error');
    box.textContent = `Cannot show these results: ${message}`;
    box.hidden = false;
    this.el('scatter').replaceChildren();
    this.el('sweep-status').textContent = '';
    document.body.dataset.sweep = 'error';
  }

  private fillAxis(id: string, fields: readonly string[], chosen: string): void {
    const select = this.el<HTMLSelectElement>(id);
    select.replaceChildren(...fields.map((f) => new Option(f, f, f === chosen, f === chosen)));
  }

  private el<T extends HTMLElement = HTMLElement>(id: string): T {
    return document.getElementById(id) as T;
  }
}
