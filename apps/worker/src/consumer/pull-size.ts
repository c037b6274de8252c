/**
 * How many jobs to ask the workers queue for, given the room the worker has and the jobs it
 * already asked for and has not received. Every pull request is a message to the server
 * and a turn of its consumer; asking for one job each time a child frees up cost one per
 * job. So while requests are still outstanding, the worker waits until at least half its
 * room is unasked for, and then asks for all of it at once.
 *
 * Outstanding requests mean the server has had no job to send (it fills a request at once
 * when it has): a job that arrives meanwhile goes to one of them, and each delivery asks
 * again. With nothing outstanding the worker always asks for its whole room, so a free
 * child never waits for a request that was not sent.
 */
export function pullSize(room: number, owed: number): number {
  const more = room - owed;
  if (more < 1) return 0;
  if (owed > 0 && more < Math.ceil(room / 2)) return 0;
  return more;
}
