import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Projects and membership (API.md "Projects and membership"). Every existing user gets an inbox
 * (a private project it owns), every existing task moves to its creator's inbox, so each task is
 * visible to exactly the users who saw it before: its creator (the inbox's only member) and its
 * assignee.
 *
 * The per-user read models of round one (task_counts, task_search: one row per user who sees a
 * task) would multiply every write in a shared project by its member count, so both are rebuilt
 * per project here:
 * - task_counts: live tasks per (kind, subject, project, unassigned, status, priority). kind 1
 *   counts a project's tasks (subject 0), kind 2 a user's assigned tasks per project (subject:
 *   the assignee), kind 3 a user's created tasks per project (subject: the creator). A task
 *   write moves at most one cell of each kind, whatever the number of members.
 * - task_search: one row per live task, clustered by (project_id, created_at, task_id), so a
 *   search reads the caller's projects' rows sequentially in listing order.
 */
export class CreateProjects1764600000000 implements MigrationInterface {
  name = 'CreateProjects1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // inbox_of: the user whose inbox this is (NULL for a team project); unique, so a user has at
    // most one inbox even under concurrent registrations. access_version grows on every change
    // of who may see the project (members, roles, deletion), which versions its access entry in
    // the shared cache (src/projects/project-access.cache.ts).
    await queryRunner.query(`
      CREATE TABLE projects (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        name VARCHAR(100) NOT NULL,
        description TEXT NOT NULL,
        owner_id INT UNSIGNED NOT NULL,
        inbox_of INT UNSIGNED NULL,
        member_count INT UNSIGNED NOT NULL DEFAULT 1,
        access_version INT UNSIGNED NOT NULL DEFAULT 1,
        archived_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        deleted_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_projects_inbox (inbox_of),
        KEY idx_projects_owner (owner_id),
        CONSTRAINT fk_projects_owner FOREIGN KEY (owner_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT fk_projects_inbox FOREIGN KEY (inbox_of) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // role: 1 viewer, 2 editor, 3 admin, 4 owner (each includes the rights of those below).
    // The primary key puts a user's memberships in one range: every request resolves them.
    await queryRunner.query(`
      CREATE TABLE project_members (
        user_id INT UNSIGNED NOT NULL,
        project_id INT UNSIGNED NOT NULL,
        role TINYINT UNSIGNED NOT NULL,
        added_at DATETIME(3) NOT NULL,
        PRIMARY KEY (user_id, project_id),
        KEY idx_project_members_project (project_id, role),
        CONSTRAINT fk_project_members_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT fk_project_members_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      INSERT INTO projects (name, description, owner_id, inbox_of, member_count, created_at, updated_at)
      SELECT 'Inbox', '', u.id, u.id, 1, u.created_at, u.created_at FROM users u ORDER BY u.id`);
    await queryRunner.query(`
      INSERT INTO project_members (user_id, project_id, role, added_at)
      SELECT p.owner_id, p.id, 4, p.created_at FROM projects p ORDER BY p.owner_id`);

    // Tasks: their project. The listing reads one project at a time in index order (a branch
    // per project of the caller), so each sort column gets a (project_id, deleted_at, column)
    // index, replacing the per-owner ones; idx_tasks_owner_created stays for scope=owned.
    await queryRunner.query(
      'ALTER TABLE tasks ADD COLUMN project_id INT UNSIGNED NULL AFTER user_id',
    );
    await queryRunner.query(`
      UPDATE tasks t JOIN projects p ON p.inbox_of = t.user_id SET t.project_id = p.id`);
    await queryRunner.query(`
      ALTER TABLE tasks
        MODIFY project_id INT UNSIGNED NOT NULL,
        DROP INDEX idx_tasks_owner_updated,
        DROP INDEX idx_tasks_owner_due,
        DROP INDEX idx_tasks_owner_priority,
        DROP INDEX idx_tasks_owner_title,
        DROP INDEX idx_tasks_owner_status,
        ADD KEY idx_tasks_project_created (project_id, deleted_at, created_at),
        ADD KEY idx_tasks_project_updated (project_id, deleted_at, updated_at),
        ADD KEY idx_tasks_project_due (project_id, deleted_at, due_date),
        ADD KEY idx_tasks_project_priority (project_id, deleted_at, priority),
        ADD KEY idx_tasks_project_title (project_id, deleted_at, title),
        ADD KEY idx_tasks_project_status (project_id, deleted_at, status, priority, due_date),
        ADD CONSTRAINT fk_tasks_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE`);

    await queryRunner.query('DROP TABLE task_counts');
    await queryRunner.query(`
      CREATE TABLE task_counts (
        kind TINYINT UNSIGNED NOT NULL,
        subject_id INT UNSIGNED NOT NULL,
        project_id INT UNSIGNED NOT NULL,
        unassigned TINYINT UNSIGNED NOT NULL,
        status TINYINT UNSIGNED NOT NULL,
        priority TINYINT UNSIGNED NOT NULL,
        n INT NOT NULL DEFAULT 0,
        PRIMARY KEY (kind, subject_id, project_id, unassigned, status, priority),
        CONSTRAINT fk_task_counts_project FOREIGN KEY (project_id) REFERENCES projects (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      INSERT INTO task_counts (kind, subject_id, project_id, unassigned, status, priority, n)
      SELECT v.kind, v.subject_id, v.project_id, v.unassigned, v.status, v.priority, COUNT(*)
      FROM (
        SELECT 1 AS kind, 0 AS subject_id, t.project_id, t.assignee_id IS NULL AS unassigned,
          t.status, t.priority
        FROM tasks t WHERE t.deleted_at IS NULL
        UNION ALL
        SELECT 2, t.assignee_id, t.project_id, 0, t.status, t.priority
        FROM tasks t WHERE t.deleted_at IS NULL AND t.assignee_id IS NOT NULL
        UNION ALL
        SELECT 3, t.user_id, t.project_id, t.assignee_id IS NULL, t.status, t.priority
        FROM tasks t WHERE t.deleted_at IS NULL
      ) v
      GROUP BY v.kind, v.subject_id, v.project_id, v.unassigned, v.status, v.priority`);

    await queryRunner.query('DROP TABLE task_search');
    await queryRunner.query(`
      CREATE TABLE task_search (
        project_id INT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL,
        task_id INT UNSIGNED NOT NULL,
        doc MEDIUMBLOB NOT NULL,
        PRIMARY KEY (project_id, created_at, task_id),
        UNIQUE KEY uq_task_search_task (task_id),
        CONSTRAINT fk_task_search_task FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Sorted in primary-key order and without per-row foreign-key reads, as in CreateTaskSearch:
    // every row comes from a live task. The same LOWER as the service (searchDocSql).
    await queryRunner.query('SET SESSION foreign_key_checks = 0');
    try {
      await queryRunner.query(`
        INSERT INTO task_search (project_id, created_at, task_id, doc)
        SELECT t.project_id, t.created_at, t.id,
          CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY)
        FROM tasks t WHERE t.deleted_at IS NULL
        ORDER BY t.project_id, t.created_at, t.id`);
    } finally {
      await queryRunner.query('SET SESSION foreign_key_checks = 1');
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Back to the per-user read models of round one, rebuilt from the rows (the
    // CreateTaskCounts and CreateTaskSearch migrations' own backfills).
    await queryRunner.query('DROP TABLE task_search');
    await queryRunner.query(`
      CREATE TABLE task_search (
        user_id INT UNSIGNED NOT NULL,
        created_at DATETIME(3) NOT NULL,
        task_id INT UNSIGNED NOT NULL,
        relation TINYINT UNSIGNED NOT NULL,
        doc MEDIUMBLOB NOT NULL,
        PRIMARY KEY (user_id, created_at, task_id),
        KEY idx_task_search_task (task_id),
        CONSTRAINT fk_task_search_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT fk_task_search_task FOREIGN KEY (task_id) REFERENCES tasks (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      INSERT INTO task_search (user_id, created_at, task_id, relation, doc)
      SELECT v.user_id, v.created_at, v.task_id, v.relation, v.doc FROM (
        SELECT t.user_id, t.created_at, t.id AS task_id,
          CASE WHEN t.assignee_id IS NULL THEN 1 WHEN t.assignee_id = t.user_id THEN 3 ELSE 2 END
            AS relation,
          CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY) AS doc
        FROM tasks t WHERE t.deleted_at IS NULL
        UNION ALL
        SELECT t.assignee_id, t.created_at, t.id, 4,
          CAST(LOWER(CONCAT(t.title, '\\n', t.description)) AS BINARY)
        FROM tasks t WHERE t.deleted_at IS NULL AND t.assignee_id <> t.user_id
      ) v ORDER BY v.user_id, v.created_at, v.task_id`);
    await queryRunner.query('DROP TABLE task_counts');
    await queryRunner.query(`
      CREATE TABLE task_counts (
        user_id INT UNSIGNED NOT NULL,
        relation TINYINT UNSIGNED NOT NULL,
        status TINYINT UNSIGNED NOT NULL,
        priority TINYINT UNSIGNED NOT NULL,
        n INT NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, relation, status, priority),
        CONSTRAINT fk_task_counts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await queryRunner.query(`
      INSERT INTO task_counts (user_id, relation, status, priority, n)
      SELECT u.id, r.relation, s.status, p.priority, 0 FROM users u
      CROSS JOIN (SELECT 1 AS relation UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) r
      CROSS JOIN (SELECT 1 AS status UNION ALL SELECT 2 UNION ALL SELECT 3) s
      CROSS JOIN (SELECT 1 AS priority UNION ALL SELECT 2 UNION ALL SELECT 3) p`);
    await queryRunner.query(`
      INSERT INTO task_counts (user_id, relation, status, priority, n)
      SELECT v.user_id, v.relation, v.status, v.priority, COUNT(*) FROM (
        SELECT t.user_id,
          CASE WHEN t.assignee_id IS NULL THEN 1 WHEN t.assignee_id = t.user_id THEN 3 ELSE 2 END
            AS relation, t.status, t.priority
        FROM tasks t WHERE t.deleted_at IS NULL
        UNION ALL
        SELECT t.assignee_id, 4, t.status, t.priority
        FROM tasks t WHERE t.deleted_at IS NULL AND t.assignee_id <> t.user_id
      ) v GROUP BY v.user_id, v.relation, v.status, v.priority
      ON DUPLICATE KEY UPDATE n = VALUES(n)`);
    // Tasks of team projects go back to their creators (the old model has no projects).
    await queryRunner.query(`
      ALTER TABLE tasks
        DROP FOREIGN KEY fk_tasks_project,
        DROP INDEX idx_tasks_project_created,
        DROP INDEX idx_tasks_project_updated,
        DROP INDEX idx_tasks_project_due,
        DROP INDEX idx_tasks_project_priority,
        DROP INDEX idx_tasks_project_title,
        DROP INDEX idx_tasks_project_status,
        DROP COLUMN project_id,
        ADD KEY idx_tasks_owner_updated (user_id, deleted_at, updated_at),
        ADD KEY idx_tasks_owner_due (user_id, deleted_at, due_date),
        ADD KEY idx_tasks_owner_priority (user_id, deleted_at, priority),
        ADD KEY idx_tasks_owner_title (user_id, deleted_at, title),
        ADD KEY idx_tasks_owner_status (user_id, deleted_at, status, priority, due_date)`);
    await queryRunner.query('DROP TABLE project_members');
    await queryRunner.query('DROP TABLE projects');
  }
}
