/** What a replica does after asking Redis for the projector lease. */
export const LeadershipStep = {
  /** Nothing changes: still leading in the same term, or still standing by. */
  Stay: 'stay',
  /** The lease is ours now: begin projecting in this epoch. */
  TakeOver: 'take-over',
  /** Another replica holds the lease: stop projecting. */
  StepDown: 'step-down',
  /** Still ours, but another replica led since our term began: stop and begin again from the ack floor. */
  NewTerm: 'new-term',
} as const;
export type LeadershipStep = (typeof LeadershipStep)[keyof typeof LeadershipStep];

export interface LeadershipState {
  leading: boolean;
  /** The epoch this replica leads in; null while standing by. */
  term: string | null;
}

/**
 * Decides from hold-projector-lease-3.lua's answer: `epoch` is the epoch this replica leads in
 * now, or '' when another replica holds the lease.
 */
export function leadershipStep(state: LeadershipState, epoch: string): LeadershipStep {
  if (epoch === '') return state.leading ? LeadershipStep.StepDown : LeadershipStep.Stay;
  if (!state.leading) return LeadershipStep.TakeOver;
  return epoch === state.term ? LeadershipStep.Stay : LeadershipStep.NewTerm;
}
