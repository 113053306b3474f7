/** The topics Seamline uses. Their names are a public contract (README "How it fits together"). */
export interface Topics {
  /** Accepted canonical events, keyed by a customer identifier. */
  raw: string;
  /** Input that could not be accepted, with why. */
  deadLetter: string;
  /**
   * Events stored by the stitchers, to be linked into customers by one linker at a time (one
   * partition), so several stitchers never race on the identity tables.
   */
  stitched: string;
}

/**
 * Topic names, optionally prefixed (KAFKA_TOPIC_PREFIX) so several deployments or test runs can
 * share one cluster without reading each other's events.
 */
export function topicNames(prefix = ''): Topics {
  return { raw: `${prefix}cx.raw.v1`, deadLetter: `${prefix}cx.deadletter.v1`, stitched: `${prefix}cx.stitched.v1` };
}

export const TOPICS: Topics = topicNames();
