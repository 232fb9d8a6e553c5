import { loadConfig } from '../config/env';
import { JOB_DEFINITIONS, JobName, jobOptions, QUEUE_NAMES, queueOf } from './job-registry';

describe(jobOptions.name, () => {
  const config = loadConfig({ JOB_ATTEMPTS: '7', JOB_BACKOFF_MS: '250' });

  it('should retry with exponential backoff and jitter from the configuration', () => {
    expect(jobOptions('events.dispatch', config)).toMatchObject({
      attempts: 7,
      backoff: { type: 'exponential', delay: 250, jitter: 0.5 },
    });
  });

  it('should bound how many finished jobs Redis keeps, by age and by count', () => {
    const options = jobOptions('events.dispatch', config);
    expect(options.removeOnComplete).toEqual({ age: 3600, count: 10_000 });
    expect(options.removeOnFail).toEqual({ age: 7 * 24 * 3600, count: 10_000 });
  });

  it('should put every job on a registered queue', () => {
    for (const name of Object.keys(JOB_DEFINITIONS) as JobName[]) {
      expect(QUEUE_NAMES).toContain(queueOf(name));
    }
  });
});
