import {
  ProjectConflictError,
  ProjectForbiddenError,
  ProjectMemberNotFoundError,
} from './project.errors';
import { hasRole, ProjectRole } from './project-role';

/** What `PUT /projects/{id}/members/{user_id}` does, once it is allowed. */
export type MemberChange = 'add' | 'change' | 'unchanged' | 'transfer';

export interface SetMemberRequest {
  actorId: number;
  actorRole: ProjectRole;
  targetId: number;
  /** The target's current role; null when it is not a member. */
  targetRole: ProjectRole | null;
  requested: ProjectRole;
}

/**
 * Who may set which role (API.md "Projects and membership"): admins manage editors and viewers;
 * only the owner makes or unmakes an admin and transfers ownership (to a member); the owner's
 * own role changes only by transferring ownership. Permission problems (403) are checked before
 * state conflicts (409), so a caller without the right learns nothing more.
 */
export function decideSetMember(request: SetMemberRequest): MemberChange {
  const { actorId, actorRole, targetId, targetRole, requested } = request;
  if (!hasRole(actorRole, 'admin')) {
    throw new ProjectForbiddenError('only an admin or the owner can manage members');
  }
  if (requested === 'owner') {
    if (actorRole !== 'owner') {
      throw new ProjectForbiddenError('only the owner can transfer ownership');
    }
    if (targetId === actorId) return 'unchanged';
    if (targetRole === null) {
      throw new ProjectConflictError(
        'ownership can only be transferred to a member of the project; add the user first',
      );
    }
    return 'transfer';
  }
  if (targetRole === 'owner') {
    if (actorRole !== 'owner')
      throw new ProjectForbiddenError("only the owner can change the owner's role");
    throw new ProjectConflictError(
      'the owner keeps its role until it transfers ownership (set another member to owner)',
    );
  }
  if ((requested === 'admin' || targetRole === 'admin') && actorRole !== 'owner') {
    throw new ProjectForbiddenError('only the owner can make or unmake an admin');
  }
  if (targetRole === null) return 'add';
  return targetRole === requested ? 'unchanged' : 'change';
}

export interface RemoveMemberRequest {
  actorId: number;
  actorRole: ProjectRole;
  targetId: number;
  /** The target's role; null when it is not a member. */
  targetRole: ProjectRole | null;
}

/**
 * Who may remove whom: any member may leave, an admin removes editors and viewers, the owner
 * removes anyone but itself; the owner can neither leave nor be removed (it transfers ownership
 * first), so a project always has exactly one owner. Removing a non-member is 404, told only to
 * those who may remove others.
 */
export function assertMayRemoveMember(request: RemoveMemberRequest): void {
  const { actorId, actorRole, targetId, targetRole } = request;
  const leaving = actorId === targetId;
  if (!leaving && !hasRole(actorRole, 'admin')) {
    throw new ProjectForbiddenError('only an admin or the owner can remove other members');
  }
  if (targetRole === null) throw new ProjectMemberNotFoundError('member not found');
  if (targetRole === 'owner') {
    throw new ProjectConflictError(
      'the owner cannot leave or be removed; transfer ownership to another member first',
    );
  }
  if (!leaving && targetRole === 'admin' && actorRole !== 'owner') {
    throw new ProjectForbiddenError('only the owner can remove an admin');
  }
}
