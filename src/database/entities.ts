import { RefreshToken } from '../auth/refresh-token.entity';
import { User } from '../users/user.entity';

/** Every entity, listed explicitly so the app, the CLI and the tests load the same set. */
export const ENTITIES = [User, RefreshToken];
