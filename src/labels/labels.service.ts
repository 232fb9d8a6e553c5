import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ValidationFailedError } from '../common/errors/domain-errors';
import { ProjectAccessService } from '../projects/project-access.service';
import { hasRole } from '../projects/project-role';
import { ProjectNotFoundError } from '../projects/project.errors';
import { CreateLabelDto } from './http/dto/create-label.dto';
import { LabelResponseDto, TaskLabelDto } from './http/dto/label-response.dto';
import { UpdateLabelDto } from './http/dto/update-label.dto';
import { LABEL_CACHE, LabelCache } from './label-cache';
import { DEFAULT_LABEL_COLOR } from './label.constants';
import {
  LabelForbiddenError,
  LabelNameTakenError,
  LabelNotFoundError,
  LabelProjectArchivedError,
} from './label.errors';
import { LabelParticipants } from './label-participants';
import type { LabelRecord, LabelSet } from './label-set';
import { isDuplicateKey, LabelsRepository } from './labels.repository';

export type { LabelRecord } from './label-set';

export function toLabelResponse(label: LabelRecord): LabelResponseDto {
  return {
    id: label.id,
    project_id: label.projectId,
    name: label.name,
    color: label.color,
    created_at: label.createdAt,
  };
}

/** A label as a task response carries it. */
export function toTaskLabel(label: Pick<LabelRecord, 'id' | 'name' | 'color'>): TaskLabelDto {
  return { id: label.id, name: label.name, color: label.color };
}

/** A label the listing's `label` filter named, found in one of the given projects. */
export interface NamedLabel {
  id: number;
  projectId: number;
  /** The filter's name it matched (as passed in). */
  key: string;
}

/**
 * Labels of projects: read by members, managed by editors (API.md "Labels"), and what the tasks
 * module needs to give tasks labels and show them. Which tasks carry a label is the tasks
 * module's (task_labels); a deletion reaches it through @LabelDeletionParticipant.
 */
@Injectable()
export class LabelsService {
  private readonly logger = new Logger(LabelsService.name);

  constructor(
    private readonly labels: LabelsRepository,
    private readonly projects: ProjectAccessService,
    private readonly participants: LabelParticipants,
    @Inject(LABEL_CACHE) private readonly cache: LabelCache,
  ) {}

  /** The project's labels by name, for its members (404 for anyone else). */
  async listOfProject(userId: number, projectId: number): Promise<LabelResponseDto[]> {
    const access = await this.projects.cachedAccess(projectId, userId);
    if (!access.live || !access.role) throw new ProjectNotFoundError();
    const set = await this.labelSet(projectId);
    return set.labels.map(toLabelResponse);
  }

  async create(userId: number, projectId: number, dto: CreateLabelDto): Promise<LabelResponseDto> {
    const id = await this.labels.inTransaction(async (manager) => {
      await this.lockProjectForEditor(manager, projectId, userId, () => new ProjectNotFoundError());
      await this.labels.bumpVersion(manager, projectId);
      return this.writeName(() =>
        this.labels.insert(
          manager,
          { projectId, name: dto.name, color: dto.color ?? DEFAULT_LABEL_COLOR },
          new Date(),
        ),
      );
    });
    await this.afterWrite(projectId);
    this.logger.log({ userId, projectId, labelId: id }, 'Label created');
    return toLabelResponse(await this.existing(id));
  }

  /** Renames and/or recolours a label (editor); tasks show the change at once, cached or not. */
  async update(userId: number, labelId: number, dto: UpdateLabelDto): Promise<LabelResponseDto> {
    const changes = Object.fromEntries(
      Object.entries({ name: dto.name, color: dto.color }).filter(([, v]) => v !== undefined),
    ) as { name?: string; color?: string };
    if (Object.keys(changes).length === 0) {
      throw ValidationFailedError.forField('body', 'send at least one of name, color');
    }
    const label = await this.locked(userId, labelId, async (manager, current) => {
      if (
        (changes.name === undefined || changes.name === current.name) &&
        (changes.color === undefined || changes.color === current.color)
      ) {
        return false;
      }
      await this.labels.bumpVersion(manager, current.projectId);
      await this.writeName(() => this.labels.update(manager, labelId, changes));
      return true;
    });
    return toLabelResponse(await this.existing(label.id));
  }

  /** Deletes a label (editor); it leaves every task that carried it, in the same transaction. */
  async delete(userId: number, labelId: number): Promise<void> {
    await this.locked(userId, labelId, async (manager, current) => {
      await this.labels.bumpVersion(manager, current.projectId);
      await this.participants.labelDeleted(manager, labelId);
      await this.labels.delete(manager, labelId);
      return true;
    });
    this.logger.log({ userId, labelId }, 'Label deleted');
  }

  /**
   * Those of `ids` that are labels of the project, by name, share-locked in the caller's
   * transaction (a task write): none of them can be deleted or renamed before it commits.
   */
  lockForTask(
    manager: EntityManager,
    projectId: number,
    ids: readonly number[],
  ): Promise<LabelRecord[]> {
    return this.labels.lockInProject(manager, projectId, ids);
  }

  /** The labels of `ids` that exist, by name (one query; a page or batch of tasks). */
  findByIds(ids: readonly number[], manager?: EntityManager): Promise<LabelRecord[]> {
    return this.labels.findByIds(ids, manager);
  }

  /**
   * The labels of `ids` in the project, by name, from the shared per-project label cache: the
   * cached task read shows current names and colours, and leaves out deleted labels.
   */
  async resolve(projectId: number, ids: readonly number[]): Promise<LabelRecord[]> {
    if (ids.length === 0) return [];
    const wanted = new Set(ids);
    const set = await this.labelSet(projectId);
    return set.labels.filter((label) => wanted.has(label.id));
  }

  /** The labels of the projects named one of `names` (case-insensitively). */
  findByNames(projectIds: readonly number[], names: readonly string[]): Promise<NamedLabel[]> {
    return this.labels.findByNames(projectIds, names);
  }

  /**
   * Runs `work` on the locked label after the checks of a label change: 404 when the caller is
   * no member of its (live) project, 403 below editor, 409 when the project is archived. Then,
   * if `work` wrote, the label cache is written through before the answer.
   */
  private async locked(
    userId: number,
    labelId: number,
    work: (manager: EntityManager, current: LabelRecord) => Promise<boolean>,
  ): Promise<LabelRecord> {
    const found = await this.labels.findById(labelId);
    if (!found) throw new LabelNotFoundError();
    const { label, written } = await this.labels.inTransaction(async (manager) => {
      await this.lockProjectForEditor(
        manager,
        found.projectId,
        userId,
        () => new LabelNotFoundError(),
      );
      const current = await this.labels.lockById(manager, labelId);
      if (!current) throw new LabelNotFoundError();
      return { label: current, written: await work(manager, current) };
    });
    if (written) await this.afterWrite(label.projectId);
    return label;
  }

  private async lockProjectForEditor(
    manager: EntityManager,
    projectId: number,
    userId: number,
    notFound: () => Error,
  ): Promise<void> {
    const project = await this.projects.lockForTaskWrite(manager, projectId, userId);
    if (!project || !project.role) throw notFound();
    if (!hasRole(project.role, 'editor')) throw new LabelForbiddenError();
    if (project.archived) throw new LabelProjectArchivedError();
  }

  private async writeName<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isDuplicateKey(error)) throw new LabelNameTakenError();
      throw error;
    }
  }

  private async existing(id: number): Promise<LabelRecord> {
    const label = await this.labels.findById(id);
    // Deleted by someone else right after our commit: as if it had never been there.
    if (!label) throw new LabelNotFoundError();
    return label;
  }

  /**
   * After a committed label write and before the answer: every instance's next task read
   * shows the project's new labels.
   */
  private async afterWrite(projectId: number): Promise<void> {
    const set = await this.labels.loadSet(projectId);
    await this.cache.afterWrite(projectId, set.value, set.version);
  }

  /** The project's labels, through the shared cache (MySQL alone while Redis is unusable). */
  private async labelSet(projectId: number): Promise<LabelSet> {
    const cached = await this.cache.read(projectId);
    if (cached.kind === 'hit') return cached.value;
    if (cached.kind === 'miss' && cached.epoch !== undefined) {
      const loaded = await this.cache.load(projectId, cached.epoch, () =>
        this.labels.loadSet(projectId),
      );
      return loaded?.value ?? { labels: [] };
    }
    return (await this.labels.loadSet(projectId)).value;
  }
}
