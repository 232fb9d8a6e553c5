import { DataSource } from 'typeorm';
import { loadConfig, loadDotEnv, processEnv } from '../config/env';
import { buildDataSourceOptions } from './database-options';

// The TypeORM CLI's data source (`npm run migration:run`): the same validated config as the app.
loadDotEnv();
export default new DataSource(buildDataSourceOptions(loadConfig(processEnv())));
