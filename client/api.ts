/**
 * A small typed client over the types `npm run client` generates from openapi.json
 * (client/schema.d.ts). Front-end teams can copy this pattern; the e2e suite compiles it
 * strictly and calls the API with it, so a contract change that breaks clients fails CI.
 */
import type { components, paths } from './schema';

export type Task = components['schemas']['TaskResponseDto'];
export type CreateTask = components['schemas']['CreateTaskDto'];
export type Session = components['schemas']['SessionResponseDto'];
export type Register = components['schemas']['RegisterDto'];
export type ApiError = components['schemas']['ErrorResponseDto'];
export type ListTasksQuery = NonNullable<paths['/api/v1/tasks']['get']['parameters']['query']>;

export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(`${status} ${body.code}: ${body.error}`);
  }
}

export class TaskApiClient {
  private token?: string;

  constructor(private readonly baseUrl: string) {}

  async register(body: Register): Promise<components['schemas']['RegisterResponseDto']> {
    return this.send('POST', '/api/v1/auth/register', body);
  }

  async login(email: string, password: string): Promise<Session> {
    const session = await this.send<Session>('POST', '/api/v1/auth/login', { email, password });
    this.token = session.token;
    return session;
  }

  createTask(body: CreateTask): Promise<Task> {
    return this.send('POST', '/api/v1/tasks', body);
  }

  /** One page of tasks and the total number of matches (`X-Total-Count`). */
  async listTasks(query: ListTasksQuery = {}): Promise<{ tasks: Task[]; total: number }> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined)
        search.set(key, Array.isArray(value) ? value.join(',') : String(value));
    }
    const response = await this.request('GET', `/api/v1/tasks?${search.toString()}`);
    return {
      tasks: (await response.json()) as Task[],
      total: Number(response.headers.get('x-total-count')),
    };
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await (await this.request(method, path, body)).json()) as T;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new ApiRequestError(response.status, (await response.json()) as ApiError);
    return response;
  }
}
