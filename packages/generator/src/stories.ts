import type { CanonicalEventInput } from '@seamline/schemas';
import { billingTriggered, quietBilling } from './billing-stories.ts';
import {
  cancellation,
  oneCall,
  oneTicket,
  reopenedTicket,
  repeatCaller,
  runaround,
  technicianVisit,
  writesThenCalls,
} from './contact-stories.ts';
import type { SampleCustomer } from './customer.ts';
import type { Random } from './random.ts';
import { Story, type SourceSequences } from './story.ts';

type StoryScript = (story: Story) => void;

// How common each story is. Most customers call or write once and are helped; the costly journeys
// Seamline looks for are a minority, as in a real organisation.
const CATALOGUE: readonly (readonly [StoryScript, number])[] = [
  [oneCall, 20],
  [oneTicket, 15],
  [reopenedTicket, 7],
  [repeatCaller, 9],
  [writesThenCalls, 5],
  [technicianVisit, 6],
  [runaround, 4],
  [cancellation, 4],
  [billingTriggered, 17],
  [quietBilling, 13],
];

/** A second chapter comes weeks later: the same customer, a new journey, no repeat contact. */
const SECOND_CHAPTER = 0.25;

export interface Telling {
  random: Random;
  customer: SampleCustomer;
  sequences: SourceSequences;
  /** When the story may begin, ms since the epoch. */
  begins: number;
  /** The sample period [from, to), ms since the epoch. */
  from: number;
  to: number;
}

/** One customer's events within the sample period, in time order. */
export function tellStory({ random, customer, sequences, begins, from, to }: Telling): CanonicalEventInput[] {
  const story = new Story(random, customer, sequences, Math.max(from, begins));
  random.weighted(CATALOGUE)(story);
  if (random.chance(SECOND_CHAPTER)) {
    story.laterDay(10, 45);
    random.weighted(CATALOGUE)(story);
  }
  return story.eventsWithin(from, to);
}
