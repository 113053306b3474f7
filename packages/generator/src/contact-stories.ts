import { recordBilling } from './billing.ts';
import { Call } from './call.ts';
import { callAbout, callCustomer, writeAbout } from './contacts.ts';
import { QUEUE } from './org.ts';
import { pickTopic, reasonFor } from './routing.ts';
import { WAKING_HOURS, type Story } from './story.ts';
import { Ticket } from './ticket.ts';

// Each story is one customer's small experience of the organisation, told in time order. A
// customer's life in the sample is one or more of them, days or weeks apart (see life.ts).

/** Calls once, is helped, done: the resolved-at-first-contact case. */
export function oneCall(story: Story): void {
  story.laterDay(0, 0);
  callAbout(story, pickTopic(story.random)).end();
}

/** Writes once, gets an answer, the ticket closes. */
export function oneTicket(story: Story): void {
  story.laterDay(0, 0, WAKING_HOURS);
  writeAbout(story, pickTopic(story.random)).solve().close();
}

/** The answer did not help: the customer replies to the solved ticket, which reopens it. */
export function reopenedTicket(story: Story): void {
  story.laterDay(0, 0, WAKING_HOURS);
  const topic = pickTopic(story.random);
  const ticket = writeAbout(story, topic).solve().reopen();
  if (story.random.chance(0.5)) ticket.reassign(story.random.pick([QUEUE.supportTier2, QUEUE.techEscalations, QUEUE.billingTier2]));
  ticket.solve();
  if (story.random.chance(0.15)) ticket.reopen().solve();
  ticket.close();
}

/** Calls, calls again within days, sometimes a third time: repeat contacts. */
export function repeatCaller(story: Story): void {
  const topic = pickTopic(story.random);
  const reason = reasonFor(story.random, topic);
  story.laterDay(0, 0);
  callAbout(story, topic, { reason }).end();
  story.laterDay(0, 4);
  callAbout(story, topic, { reason }).end();
  if (story.random.chance(0.4)) {
    story.laterDay(1, 5);
    callAbout(story, topic, { reason }).end();
  }
}

/** Writes, hears nothing soon enough, calls: a repeat contact across channels. */
export function writesThenCalls(story: Story): void {
  const topic = pickTopic(story.random);
  story.laterDay(0, 0, WAKING_HOURS);
  const reason = reasonFor(story.random, topic);
  const ticket = writeAbout(story, topic, { channel: 'email', reason });
  story.laterDay(0, 2);
  callAbout(story, topic, { reason }).end();
  ticket.solve().close();
}

/**
 * A fault only a technician can fix: the technical team passes it to dispatch, dispatch phones the
 * customer to book a visit, and sometimes the customer calls to ask when the technician comes.
 */
export function technicianVisit(story: Story): void {
  const { random } = story;
  story.laterDay(0, 0);
  if (random.chance(0.5)) {
    const call = callAbout(story, 'tech', { reason: 'tech/no-connection' });
    call.transfer(QUEUE.fieldDispatch).end();
  } else {
    const ticket = writeAbout(story, 'tech', { reason: 'tech/no-connection' });
    ticket.reassign(QUEUE.fieldDispatch);
    story.agentLater(30, 240);
    callCustomer(story, QUEUE.fieldDispatch, 'tech/appointment');
    story.laterDay(2, 5);
    ticket.solve().close();
    return;
  }
  story.agentLater(30, 240);
  callCustomer(story, QUEUE.fieldDispatch, 'tech/appointment');
  if (random.chance(0.3)) {
    story.laterDay(1, 3);
    const call = new Call(story, { queue: QUEUE.phoneGeneral, reason: 'tech/appointment' });
    call.transfer(QUEUE.fieldDispatch).end();
  }
}

/**
 * The journey Seamline exists for: calls billing about a dead connection, is sent to support,
 * writes twice, and ends with the technical service.
 */
export function runaround(story: Story): void {
  const { random } = story;
  story.laterDay(0, 0);
  const call = new Call(story, { queue: QUEUE.billingTier1, reason: 'tech/no-connection' });
  if (random.chance(0.5)) call.transfer(QUEUE.phoneGeneral);
  call.end();

  story.laterDay(0, 1, WAKING_HOURS);
  const first = new Ticket(story, { queue: QUEUE.supportGeneral, channel: 'email', reason: 'tech/no-connection' });
  first.solve();
  let second: Ticket;
  if (random.chance(0.5)) {
    second = first.reopen();
  } else {
    first.close();
    story.laterDay(0, 2, WAKING_HOURS);
    second = new Ticket(story, { queue: QUEUE.supportGeneral, channel: 'web', reason: 'tech/no-connection' });
  }
  second.reassign(QUEUE.supportTier2).reassign(QUEUE.techSupport);
  if (random.chance(0.5)) {
    second.reassign(QUEUE.fieldDispatch);
    story.agentLater(30, 240);
    callCustomer(story, QUEUE.fieldDispatch, 'tech/appointment');
    story.laterDay(1, 4);
  }
  second.solve().close();
}

/** Wants to leave: retention either saves them with a new plan or the subscription ends. */
export function cancellation(story: Story): void {
  const { random } = story;
  story.laterDay(0, 0);
  if (random.chance(0.7)) {
    const call = new Call(story, { queue: random.chance(0.6) ? QUEUE.phoneGeneral : QUEUE.retention, reason: 'account/cancel' });
    if (random.chance(0.6)) call.transfer(QUEUE.retention);
    call.end();
  } else {
    const ticket = new Ticket(story, { queue: QUEUE.cancellations, channel: 'email', reason: 'account/cancel' });
    ticket.solve().close();
  }
  story.afterMinutes(1, 30);
  if (random.chance(0.5)) {
    recordBilling(story, 'billing.plan_changed', { change: 'downgrade' });
    return;
  }
  recordBilling(story, 'billing.subscription_canceled');
  if (random.chance(0.4)) {
    story.laterDay(14, 30);
    callCustomer(story, QUEUE.winBack, 'account/win-back');
  }
}
