import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { preProcessFile } from 'typescript';

/**
 * The dependency rules of the tree, checked on the imports of every source file (type-only
 * imports included: a type import ties two modules as much as any other). import-x/no-cycle in
 * the lint covers file cycles between value imports; this covers type imports and the folder
 * level, where a cycle means two modules no one can change or test apart. Spec files are left
 * out: nothing imports them, and a spec may reach across modules to build its fixtures.
 */
const SRC = __dirname;

type Graph = Map<string, Set<string>>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [`${base}.ts`, join(base, 'index.ts')].find((candidate) => {
    try {
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** File → the files it imports, with paths relative to src/. */
function fileGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(SRC)) {
    const imports = preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles;
    const targets = imports
      .filter(({ fileName }) => fileName.startsWith('.'))
      .map(({ fileName }) => resolveImport(file, fileName))
      .filter((target): target is string => target !== undefined)
      .map((target) => relative(SRC, target));
    graph.set(relative(SRC, file), new Set(targets));
  }
  return graph;
}

/** A file's top-level folder under src/ (a file at the root is its own node). */
const folderOf = (file: string): string =>
  file.includes(sep) ? file.slice(0, file.indexOf(sep)) : file;

function folderGraph(files: Graph): Graph {
  const graph: Graph = new Map();
  for (const [file, targets] of files) {
    const from = folderOf(file);
    const edges = graph.get(from) ?? new Set<string>();
    for (const target of targets) if (folderOf(target) !== from) edges.add(folderOf(target));
    graph.set(from, edges);
  }
  return graph;
}

/** Every cycle's members (strongly connected components of more than one node), Tarjan. */
function cycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/**
 * Tables without an entity, and the folder that owns them (tables with an entity are owned by
 * the entity's folder).
 */
const TABLES_WITHOUT_ENTITY: Readonly<Record<string, string>> = {
  task_counts: 'tasks',
  task_search: 'tasks',
  task_search_buckets: 'tasks',
  task_hourly_counts: 'tasks',
  task_reminders: 'notifications',
  label_versions: 'labels',
};

/** Table → owning folder, from the `@Entity({ name })` of every entity file. */
function tableOwners(): Map<string, string> {
  const owners = new Map(Object.entries(TABLES_WITHOUT_ENTITY));
  for (const file of sourceFiles(SRC).filter((f) => f.endsWith('.entity.ts'))) {
    for (const [, table] of readFileSync(file, 'utf8').matchAll(/@Entity\(\{ name: '(\w+)'/g)) {
      owners.set(table, folderOf(relative(SRC, file)));
    }
  }
  return owners;
}

/** The imports that tie the members of one cycle together, for the failure message. */
function edgesWithin(component: string[], graph: Graph): string[] {
  const members = new Set(component);
  return component.flatMap((from) =>
    [...(graph.get(from) ?? [])].filter((to) => members.has(to)).map((to) => `${from} -> ${to}`),
  );
}

describe('architecture', () => {
  const files = fileGraph();

  it('should find the imports it checks', () => {
    expect(files.get(join('app.module.ts'))).toContain(join('tasks', 'tasks.module.ts'));
    expect(folderGraph(files).get('tasks')).toContain('projects');
  });

  it('should have no import cycle between files', () => {
    expect(cycles(files).map((cycle) => edgesWithin(cycle, files))).toEqual([]);
  });

  it('should have no import cycle between the folders of src/', () => {
    const folders = folderGraph(files);
    // Named by the file imports that make each folder edge, so a failure says what to move.
    const fileImports = (edge: string): string[] => {
      const [from, to] = edge.split(' -> ');
      return [...files].flatMap(([file, targets]) =>
        folderOf(file) === from
          ? [...targets].filter((t) => folderOf(t) === to).map((t) => `${file} -> ${t}`)
          : [],
      );
    };
    expect(
      cycles(folders).map((cycle) => edgesWithin(cycle, folders).flatMap(fileImports)),
    ).toEqual([]);
  });

  it('should have no import cycle between the sub-folders of a folder', () => {
    // tasks/domain, tasks/listing, …: layers of one feature. Its root files (module, service)
    // wire them together and are left out: a module importing its controller, which calls the
    // module's service, is how Nest composes a feature.
    const subFolderOf = (file: string): string | undefined => {
      const parts = file.split(sep);
      return parts.length > 2 ? `${parts[0]}${sep}${parts[1]}` : undefined;
    };
    const graph: Graph = new Map();
    for (const [file, targets] of files) {
      const from = subFolderOf(file);
      if (!from) continue;
      const edges = graph.get(from) ?? new Set<string>();
      for (const target of targets) {
        const to = subFolderOf(target);
        if (to && to !== from && folderOf(to) === folderOf(from)) edges.add(to);
      }
      graph.set(from, edges);
    }
    expect(graph.get(join('tasks', 'persistence'))).toContain(join('tasks', 'listing'));
    expect(cycles(graph).map((cycle) => edgesWithin(cycle, graph))).toEqual([]);
  });

  it('should keep the job core free of the features that run jobs', () => {
    const core = ['common', 'config', 'metrics', 'redis'];
    expect([...(folderGraph(files).get('jobs') ?? [])].filter((f) => !core.includes(f))).toEqual(
      [],
    );
  });

  it('should let only the owner of a table name it in SQL', () => {
    const owners = tableOwners();
    const tables = [...owners.keys()].join('|');
    const statement = new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\\s+\`?(${tables})\\b`, 'g');
    const foreign = [...files.keys()]
      // Migrations and the TypeORM setup speak for every module by design.
      .filter((file) => folderOf(file) !== 'database')
      .flatMap((file) =>
        [...readFileSync(join(SRC, file), 'utf8').matchAll(statement)]
          .filter(([, table]) => owners.get(table) !== folderOf(file))
          .map(([sql, table]) => `${file}: ${sql} (owned by ${owners.get(table)})`),
      );
    expect(owners.get('task_events')).toBe('tasks');
    expect(foreign).toEqual([]);
  });

  it("should not import another folder's entity as a value (its repository is the owner's)", () => {
    const valueImport = /^import (?!type )[^;]*? from '([^']+\.entity)';/gm;
    const foreign = [...files.keys()]
      .filter((file) => folderOf(file) !== 'database')
      .flatMap((file) =>
        [...readFileSync(join(SRC, file), 'utf8').matchAll(valueImport)]
          .map(([, target]) => relative(SRC, resolve(dirname(join(SRC, file)), target)))
          .filter((target) => folderOf(target) !== folderOf(file))
          .map((target) => `${file} -> ${target}`),
      );
    expect(foreign).toEqual([]);
  });

  it('should find a cycle when there is one', () => {
    const graph: Graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
  });
});
