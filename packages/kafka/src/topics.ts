/** Topic names are part of the public contract (SPEC architecture). */
export const TOPICS = {
  raw: 'cx.raw.v1',
  deadLetter: 'cx.deadletter.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];
