import { assertMayRemoveMember, decideSetMember, SetMemberRequest } from './project-member.rules';
import { ProjectRole } from './project-role';
import {
  ProjectConflictError,
  ProjectForbiddenError,
  ProjectMemberNotFoundError,
} from './project.errors';

const ACTOR = 1;
const TARGET = 2;

function set(
  actorRole: ProjectRole,
  targetRole: ProjectRole | null,
  requested: ProjectRole,
  targetId = TARGET,
): SetMemberRequest {
  return { actorId: ACTOR, actorRole, targetId, targetRole, requested };
}

describe(decideSetMember.name, () => {
  it.each<[ProjectRole, ProjectRole | null, ProjectRole, string]>([
    // Admins manage editors and viewers.
    ['admin', null, 'editor', 'add'],
    ['admin', null, 'viewer', 'add'],
    ['admin', 'viewer', 'editor', 'change'],
    ['admin', 'editor', 'viewer', 'change'],
    ['admin', 'editor', 'editor', 'unchanged'],
    // The owner also makes and unmakes admins, and transfers ownership to a member.
    ['owner', null, 'admin', 'add'],
    ['owner', 'editor', 'admin', 'change'],
    ['owner', 'admin', 'viewer', 'change'],
    ['owner', 'admin', 'admin', 'unchanged'],
    ['owner', 'viewer', 'owner', 'transfer'],
    ['owner', 'admin', 'owner', 'transfer'],
  ])('should let a %s set a %s to %s: %s', (actorRole, targetRole, requested, change) => {
    expect(decideSetMember(set(actorRole, targetRole, requested))).toBe(change);
  });

  it('should answer unchanged when the owner names itself owner', () => {
    expect(decideSetMember(set('owner', 'owner', 'owner', ACTOR))).toBe('unchanged');
  });

  it.each<[ProjectRole, ProjectRole | null, ProjectRole]>([
    // Editors and viewers manage nobody, not even to add a viewer.
    ['editor', null, 'viewer'],
    ['viewer', null, 'viewer'],
    ['editor', 'viewer', 'editor'],
    ['editor', 'viewer', 'owner'],
    // Only the owner makes or unmakes an admin, even when nothing would change.
    ['admin', null, 'admin'],
    ['admin', 'editor', 'admin'],
    ['admin', 'admin', 'editor'],
    ['admin', 'admin', 'admin'],
    // Only the owner transfers ownership or touches the owner.
    ['admin', 'editor', 'owner'],
    ['admin', 'owner', 'viewer'],
  ])('should forbid a %s to set a %s to %s', (actorRole, targetRole, requested) => {
    expect(() => decideSetMember(set(actorRole, targetRole, requested))).toThrow(
      ProjectForbiddenError,
    );
  });

  it('should refuse to change the owner role other than by a transfer', () => {
    expect(() => decideSetMember(set('owner', 'owner', 'admin', ACTOR))).toThrow(
      ProjectConflictError,
    );
  });

  it('should refuse to transfer ownership to a user who is no member', () => {
    expect(() => decideSetMember(set('owner', null, 'owner'))).toThrow(ProjectConflictError);
  });
});

describe(assertMayRemoveMember.name, () => {
  const remove =
    (actorRole: ProjectRole, targetRole: ProjectRole | null, targetId = TARGET): (() => void) =>
    () =>
      assertMayRemoveMember({ actorId: ACTOR, actorRole, targetId, targetRole });

  it.each<[ProjectRole, ProjectRole]>([
    ['admin', 'editor'],
    ['admin', 'viewer'],
    ['owner', 'admin'],
    ['owner', 'editor'],
  ])('should let a %s remove a %s', (actorRole, targetRole) => {
    expect(remove(actorRole, targetRole)).not.toThrow();
  });

  it.each<ProjectRole>(['viewer', 'editor', 'admin'])('should let a %s leave', (role) => {
    expect(remove(role, role, ACTOR)).not.toThrow();
  });

  it.each<[ProjectRole, ProjectRole]>([
    ['viewer', 'viewer'],
    ['editor', 'viewer'],
    ['editor', 'owner'],
    ['admin', 'admin'],
  ])('should forbid a %s to remove a %s', (actorRole, targetRole) => {
    expect(remove(actorRole, targetRole)).toThrow(ProjectForbiddenError);
  });

  it('should never let the owner leave or be removed', () => {
    expect(remove('owner', 'owner', ACTOR)).toThrow(ProjectConflictError);
    expect(remove('admin', 'owner')).toThrow(ProjectConflictError);
  });

  it('should answer 404 for a non-member only to those who may remove others', () => {
    expect(remove('admin', null)).toThrow(ProjectMemberNotFoundError);
    expect(remove('editor', null)).toThrow(ProjectForbiddenError);
  });
});
