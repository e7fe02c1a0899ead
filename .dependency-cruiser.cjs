/**
 * Import rules (`npm run check:deps`). The layers, bottom to top:
 *
 *   hardware/  <-  workloads/  <-  sim/ core  <-  front ends (sim/cli/, visualizer/, bench/, experiments/)
 *
 * A layer imports only from the layers below it. The core (hardware/, workloads/, and sim/
 * without sim/cli/ and without any node/ folder) runs in the browser, so it uses no Node
 * built-ins; what needs the file system lives in a node/ folder under sim/ (sim/node/,
 * sim/dse/node/, sim/validate/node/) or in a front end.
 */

/** sim/ code that may use Node: the CLI and every node/ folder. */
const SIM_NODE = '^sim/(cli|node|.*/node)/';
const CORE = '^(hardware|workloads|sim)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: move the piece both sides need into a module below them both.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'hardware-workloads-below-sim',
      comment: 'hardware/ and workloads/ are the bottom layers: they import nothing from sim/ or the front ends.',
      severity: 'error',
      from: { path: '^(hardware|workloads)/' },
      to: { path: '^(sim|visualizer|bench|experiments)/' },
    },
    {
      name: 'hardware-below-workloads',
      comment: 'hardware/ (device specs) is the bottom layer: it imports nothing from workloads/.',
      severity: 'error',
      from: { path: '^hardware/' },
      to: { path: '^workloads/' },
    },
    {
      name: 'engines-below-validate-and-cli',
      comment: 'Engines are validated and driven from above: they import nothing from sim/validate/ or sim/cli/.',
      severity: 'error',
      from: { path: '^sim/engines/' },
      to: { path: '^sim/(validate|calibrate|cli)/' },
    },
    {
      name: 'core-no-node-builtins',
      comment: 'The core runs in the browser: Node built-ins (node:fs, path, ...) belong in sim/cli/ or a node/ folder under sim/.',
      severity: 'error',
      from: { path: CORE, pathNot: SIM_NODE },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-below-front-ends',
      comment: 'The core never imports a front end (sim/cli/, visualizer/, bench/, experiments/).',
      severity: 'error',
      from: { path: CORE, pathNot: SIM_NODE },
      to: { path: '^(sim/cli|visualizer|bench|experiments)/' },
    },
    {
      name: 'sim-node-below-cli',
      comment: 'The node/ folders under sim/ serve the front ends: they import nothing from sim/cli/, visualizer/, bench/ or experiments/.',
      severity: 'error',
      from: { path: '^sim/(node|.*/node)/' },
      to: { path: '^(sim/cli|visualizer|bench|experiments)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import the cruiser cannot resolve is an edge no rule above can see.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    // Type-only imports are edges too: a type import up a layer or round a loop is still one.
    tsPreCompilationDeps: true,
    // Resolves the sources' `.js` specifiers to the `.ts` files, as tsc does (NodeNext).
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
