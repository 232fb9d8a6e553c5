import { buildSchema, parse, validate, type ValidationRule } from 'graphql';
import { loadConfig } from '../config/env';
import { GraphqlOptions } from './graphql-options';

function optionsFor(env: Record<string, string>): ReturnType<GraphqlOptions['createGqlOptions']> {
  const config = loadConfig({ JWT_SECRET: 'x'.repeat(32), ...env });
  const none = {} as never;
  return new GraphqlOptions(config, none, none, none, none, none).createGqlOptions();
}

describe(GraphqlOptions.name, () => {
  it('should serve GraphiQL outside production only', () => {
    expect(optionsFor({ NODE_ENV: 'development' }).graphiql).toBe(true);
    expect(optionsFor({ NODE_ENV: 'production' }).graphiql).toBe(false);
  });

  it('should take its depth limit from GRAPHQL_MAX_DEPTH', () => {
    const options = optionsFor({ GRAPHQL_MAX_DEPTH: '4' });
    expect(options.path).toBe('/graphql');
    const schema = buildSchema('type Node { id: Int, child: Node } type Query { node: Node }');
    const rules = options.validationRules as ValidationRule[];
    const errors = (query: string) => validate(schema, parse(query), rules).map((e) => e.message);
    expect(errors('{ node { child { child { id } } } }')).toEqual([]);
    expect(errors('{ node { child { child { child { id } } } } }')).toEqual([
      'The operation is 5 levels deep; at most 4 are allowed',
    ]);
  });
});
