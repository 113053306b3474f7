/** What a load driver counts of its POSTs to ingest (the freshness driver and the throughput load). */
export interface PostCounts {
  posts: number;
  postsOk: number;
  /** Failed POSTs by HTTP status or error name. */
  postsFailed: Record<string, number>;
  eventsSent: number;
  eventsAccepted: number;
  eventsRejected: number;
  duplicates: number;
}

export const noPosts = (): PostCounts => ({ posts: 0, postsOk: 0, postsFailed: {}, eventsSent: 0, eventsAccepted: 0, eventsRejected: 0, duplicates: 0 });

/** Ingest's answer to a POST of events (README "How it fits together"). */
export interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: number;
}

export function countFailure(counts: PostCounts, why: string | number): void {
  counts.postsFailed[why] = (counts.postsFailed[why] ?? 0) + 1;
}

export function countAnswer(counts: PostCounts, answer: IngestAnswer): void {
  counts.postsOk += 1;
  counts.eventsAccepted += answer.accepted;
  counts.eventsRejected += answer.rejected;
  counts.duplicates += answer.duplicates;
}
