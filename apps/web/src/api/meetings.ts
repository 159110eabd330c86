// Meetings and 1:1 calls, as any signed-in user sees them.
import { request, segment } from './http.ts';
import type {
  CallAction,
  CallResult,
  CallSummary,
  DirectoryUser,
  Label,
  Lobby,
  Meeting,
  MeetingDecision,
  MeetingOptions,
  MeetingRequest,
  MeetingWithDecision,
  Template,
} from './types.ts';

export async function listMeetings(): Promise<Meeting[]> {
  return (await request<{ meetings: Meeting[] }>('GET', '/api/meetings')).meetings;
}

export async function getMeeting(id: string): Promise<MeetingWithDecision> {
  return request<MeetingWithDecision>('GET', `/api/meetings/${segment(id)}`);
}

/** What scheduling this would decide; creates nothing. */
export async function previewMeeting(
  body: MeetingRequest,
  signal?: AbortSignal,
): Promise<MeetingDecision> {
  const options = signal ? { signal } : {};
  return (
    await request<{ decision: MeetingDecision }>('POST', '/api/meetings/preview', body, options)
  ).decision;
}

/** 201 with the meeting, or an ApiError `MEETING_REJECTED` whose `reasons` say why. */
export async function scheduleMeeting(body: MeetingRequest): Promise<MeetingWithDecision> {
  return request<MeetingWithDecision>('POST', '/api/meetings', body);
}

export async function changeMeetingOptions(
  id: string,
  options: MeetingOptions,
): Promise<MeetingWithDecision> {
  return request<MeetingWithDecision>('PATCH', `/api/meetings/${segment(id)}/options`, { options });
}

export async function startMeeting(id: string): Promise<void> {
  await request<unknown>('POST', `/api/meetings/${segment(id)}/start`);
}

/** Who waits for the meeting to start (organizer and admins). */
export async function getLobby(id: string, signal?: AbortSignal): Promise<Lobby> {
  return request<Lobby>(
    'GET',
    `/api/meetings/${segment(id)}/lobby`,
    undefined,
    signal ? { signal } : {},
  );
}

/** Lets `userId` in from the lobby (organizer and admins); the answer is the lobby now. */
export async function admitFromLobby(id: string, userId: string): Promise<Lobby> {
  return request<Lobby>('POST', `/api/meetings/${segment(id)}/lobby/${segment(userId)}/admit`);
}

/** Turns `userId` away from the lobby; they are told so. */
export async function denyFromLobby(id: string, userId: string): Promise<Lobby> {
  return request<Lobby>('POST', `/api/meetings/${segment(id)}/lobby/${segment(userId)}/deny`);
}

/** Invites `userIds` (organizer or admin, before the start); the answer is the meeting now. */
export async function inviteToMeeting(id: string, userIds: string[]): Promise<MeetingWithDecision> {
  return request<MeetingWithDecision>('POST', `/api/meetings/${segment(id)}/invitees`, {
    userIds,
  });
}

/** Takes `userId` off the invitation list (organizer or admin, before the start). */
export async function uninviteFromMeeting(
  id: string,
  userId: string,
): Promise<MeetingWithDecision> {
  return request<MeetingWithDecision>(
    'DELETE',
    `/api/meetings/${segment(id)}/invitees/${segment(userId)}`,
  );
}

/** Where the meeting's .ics invitation is downloaded (the session cookie authorizes it). */
export function invitationFileUrl(id: string): string {
  return `/api/meetings/${segment(id)}/invitation.ics`;
}

export async function endMeeting(id: string): Promise<void> {
  await request<unknown>('POST', `/api/meetings/${segment(id)}/end`);
}

export async function listTemplates(): Promise<Template[]> {
  return (await request<{ templates: Template[] }>('GET', '/api/templates')).templates;
}

export async function listLabels(): Promise<Label[]> {
  return (await request<{ labels: Label[] }>('GET', '/api/labels')).labels;
}

export async function listDirectory(): Promise<DirectoryUser[]> {
  return (await request<{ users: DirectoryUser[] }>('GET', '/api/directory/users')).users;
}

export async function startCall(callee: string): Promise<CallResult> {
  return request<CallResult>('POST', '/api/calls', { callee });
}

/** My call history, placed or received, newest first (the latest 50). */
export async function listCalls(): Promise<CallSummary[]> {
  return (await request<{ calls: CallSummary[] }>('GET', '/api/calls')).calls;
}

/** Accept or decline (the callee), cancel (the caller), or end (either side); the call after it. */
export async function actOnCall(id: string, action: CallAction): Promise<CallSummary> {
  return (await request<{ call: CallSummary }>('POST', `/api/calls/${segment(id)}/${action}`)).call;
}

export async function getCall(id: string): Promise<CallSummary> {
  return (await request<{ call: CallSummary }>('GET', `/api/calls/${segment(id)}`)).call;
}
