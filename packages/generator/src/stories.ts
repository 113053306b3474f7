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
import type { Story } from './story.ts';

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

/** One story from the catalogue, drawn by how common it is, told into `story`. */
export function tellOneStory(story: Story): void {
  story.random.weighted(CATALOGUE)(story);
}
