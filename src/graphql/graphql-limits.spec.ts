import { buildSchema, parse, validate } from 'graphql';
import { assertCostWithin, depthLimitRule } from './graphql-limits';
import { EventQueue } from './subscriptions/event-queue';

const schema = buildSchema(`
  type Node { id: Int, child: Node, list(pageSize: Int): [Node] }
  type Query { node: Node }
`);

const errorsOf = (query: string, maxDepth: number): string[] =>
  validate(schema, parse(query), [depthLimitRule(maxDepth)]).map((e) => e.message);

describe(depthLimitRule.name, () => {
  it('should count fields, not fragments, and refuse past the limit', () => {
    expect(errorsOf('{ node { child { id } } }', 3)).toEqual([]);
    expect(errorsOf('{ node { child { child { id } } } }', 3)).toEqual([
      'The operation is 4 levels deep; at most 3 are allowed',
    ]);
    expect(
      errorsOf(
        '{ node { ...A } } fragment A on Node { child { ... on Node { child { id } } } }',
        3,
      ),
    ).toEqual(['The operation is 4 levels deep; at most 3 are allowed']);
  });

  it('should expand each fragment once, and stop on a cycle', () => {
    const defs = ['fragment F0 on Node { id }'];
    for (let i = 1; i <= 40; i++) defs.push(`fragment F${i} on Node { ...F${i - 1} ...F${i - 1} }`);
    expect(errorsOf(`{ node { ...F40 } } ${defs.join(' ')}`, 3)).toEqual([]);
    expect(errorsOf('{ node { ...A } } fragment A on Node { child { ...A } }', 10)).toEqual([]);
  });
});

describe(assertCostWithin.name, () => {
  it('should multiply a list by the page size asked for, from the variables too', () => {
    const query = parse('query($n: Int) { node { list(pageSize: $n) { id } } }');
    // The schema above declares no costs: 1 per field, lists not multiplied.
    expect(() => assertCostWithin(schema, query, { n: 10 }, 3)).not.toThrow();
    expect(() => assertCostWithin(schema, query, { n: 10 }, 2)).toThrow(/estimated cost is 3/);
  });

  it('should refuse variables that do not fit the operation', () => {
    const query = parse('query($n: Int!) { node { list(pageSize: $n) { id } } }');
    expect(() => assertCostWithin(schema, query, {}, 100)).toThrow(/\$n/);
  });
});

describe(EventQueue.name, () => {
  it('should hand pushed values to a waiting consumer, in order, and end when full', async () => {
    const ended = jest.fn();
    const queue = new EventQueue<number>(2, ended);
    const first = queue.next();
    queue.push(1);
    await expect(first).resolves.toEqual({ value: 1, done: false });
    queue.push(2);
    queue.push(3);
    await expect(queue.next()).resolves.toEqual({ value: 2, done: false });
    queue.push(4);
    queue.push(5); // the third value waiting: the consumer is too slow, the stream ends
    expect(ended).toHaveBeenCalledTimes(1);
    await expect(queue.next()).resolves.toEqual({ value: undefined, done: true });
  });

  it('should end once on return() and ignore later values', async () => {
    const ended = jest.fn();
    const queue = new EventQueue<number>(10, ended);
    const waiting = queue.next();
    await queue.return();
    await expect(waiting).resolves.toEqual({ value: undefined, done: true });
    queue.push(1);
    await queue.return();
    expect(ended).toHaveBeenCalledTimes(1);
  });
});
