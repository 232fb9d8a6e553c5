import { PageQuery } from '../../common/http/page.query';

/** `GET /tasks/{id}/comments`: paged like tasks (`page`, `page_size`), oldest first. */
export class ListCommentsQuery extends PageQuery {}
