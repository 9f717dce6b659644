/**
 * The offline assistant's language, as data: each intent lists the phrase
 * templates people use for it and examples (tested in test/chat/offline-parts).
 * Templates read like the phrases they match: `(a|b)` is a choice, `[x]` is
 * optional, `_` joins the words of one choice, `{slot}` captures text. The
 * first template, in table order, whose slots all validate wins: specific
 * phrasings (notes, dates, priorities) come before the general ones (list, add).
 */

export type IntentName =
  | 'undo'
  | 'cancel'
  | 'help'
  | 'clear-date'
  | 'note'
  | 'bulk'
  | 'shift'
  | 'nudge'
  | 'priority'
  | 'redate'
  | 'rename'
  | 'reopen'
  | 'complete'
  | 'delete'
  | 'list'
  | 'add';

export type SlotName = 'ref' | 'title' | 'date' | 'priority' | 'note' | 'rest' | 'amount' | 'past' | 'dir';

export interface IntentSpec {
  intent: IntentName;
  templates: string[];
  /** Sentences this intent is meant to understand (kept here as documentation and tested). */
  examples: string[];
}

const DONE = '(done|complete|completed|finished|ticked_off|checked_off)';
const NOTE = '(note|notes|description|comment|details)';

export const INTENTS: IntentSpec[] = [
  {
    intent: 'undo',
    templates: [
      '(undo|revert|reverse) [that|it|this|the_last_change|the_last_one|last_change|what_you_just_did]',
      'take that back',
    ],
    examples: ['undo', 'undo that', 'oops undo', 'can you undo that?'],
  },
  {
    intent: 'cancel',
    templates: ['(never_mind|nevermind|cancel_that|forget_it|no_thanks|nothing|none|neither|leave_it|stop)'],
    examples: ['never mind'],
  },
  {
    intent: 'help',
    templates: ['(help|commands|what_can_you_do|what_do_you_do|how_does_this_work|what_can_i_say|how_do_i_use_this)'],
    examples: ['help', 'what can you do?'],
  },
  {
    intent: 'clear-date',
    templates: [
      '(remove|clear|delete|drop) [the] (due_date|deadline|date) (from|of|on|for) {ref}',
      '{ref} (has|needs) no (due_date|deadline)',
    ],
    examples: ['remove the due date from the dentist task'],
  },
  {
    intent: 'note',
    templates: [
      `add [a|the|this] ${NOTE} (to|on|for) {ref} : {note}`,
      `add [a|the] ${NOTE} (to|on|for) {ref} (saying|that_says|with) {note}`,
      `${NOTE} (on|for|to) {ref} : {note}`,
      `{ref} : add [a] ${NOTE} [saying|that_says|:] {note}`,
      `write (in|on|into) {ref} ${NOTE} : {note}`,
      `(add|put|write) [a] ${NOTE} [saying|that_says|:] {note}`,
    ],
    examples: [
      'add a note to the groceries task: oat milk, coffee, apples',
      'note on the car insurance: it is in the blue folder',
    ],
  },
  {
    intent: 'bulk',
    templates: [
      '(delete|remove|clear|erase|wipe) (everything|all|all_of_them|all_tasks|all_my_tasks|all_the_tasks|my_whole_list|the_whole_list|{rest})',
      '(delete|remove|clear|erase|wipe|archive) [all] [the|my] (done|completed|finished|ticked_off|checked_off|old) [ones|tasks|items|stuff]',
      `(mark|complete|finish|tick_off|check_off) (everything|all|all_of_them|all_tasks|all_my_tasks) [as] [${DONE}]`,
    ],
    examples: ['delete everything', 'mark everything as done'],
  },
  {
    intent: 'shift',
    templates: ['(push|move|postpone|delay|shift|bump) {ref} (back|forward|out|on) [by] {amount}'],
    examples: ['push the insurance renewal back a week'],
  },
  {
    intent: 'nudge',
    templates: ['{dir} [the] priority (of|for|on) {ref}', '(bump|move) {ref} (up|down) [a_notch|a_bit]'],
    examples: ['lower the priority of call the dentist'],
  },
  {
    intent: 'priority',
    templates: [
      '(change|set|update|make) [the] (priority|prio) (of|for|on) {ref} [to|as] {priority}',
      '(set|change|make|put) [the] (priority|prio) [to] {priority} (on|for|of) {ref}',
      '(bump|move|raise|drop|lower) {ref} [up|down] to {priority}',
      '(make|mark|set|flag|change|update|put) {ref} [as|to|at] {priority}',
      '{ref} (is|should_be|are) [a] {priority}',
    ],
    examples: ['make the laundry high priority', 'buy milk is low priority', 'actually make it high priority'],
  },
  {
    intent: 'redate',
    templates: [
      '(set|change|update|move|make) [the] (due_date|deadline|date|due) (of|for|on) {ref} (to|for) {date}',
      '(move|push|postpone|reschedule|shift|change|set|put|delay|bump) {ref} (to|till|until|for|on) {date}',
      '(move|push|postpone|reschedule|delay) {ref} {date}',
      '{ref} (should_be|is|are|will_be) due [on|by] {date}',
      "{ref} ('s|_is) due [on|by] {date}",
      'make {ref} due [on|by] {date}',
      '(set|make) {ref} due [on|by|for] {date}',
      '{ref} can wait (until|till|to) {date}',
      '(due|deadline) [is] [on|by] {date}',
    ],
    examples: ['move the electricity bill to tomorrow', 'call the dentist should be due on monday', "it's due friday"],
  },
  {
    intent: 'rename',
    templates: [
      'rename {ref} (to|as|into) {title}',
      '(change|update|set|edit) [the] (title|name|wording) (of|for|on) {ref} to {title}',
      '(change|update|edit) {ref} to {title}',
      '(call|name|title|rename) it {title}',
    ],
    examples: ['rename buy groceries to weekly shop', "no wait, call it 'order sushi'"],
  },
  {
    intent: 'reopen',
    templates: [
      'mark {ref} [as] (not_done|undone|incomplete|not_complete|not_completed|open|pending|unfinished|not_finished|to_do|todo|unchecked)',
      '(reopen|re-open|uncheck|untick|unmark|uncomplete|un-complete|unfinish|unarchive|restore|reactivate) {ref}',
      'undo [the] (complete|completion|done|tick) (on|of|for) {ref}',
      "{ref} (isn't|is_not|isnt|wasn't|was_not|is_n't|aren't|are_not) (done|finished|complete|completed) [yet]",
      "i (didn't|did_not|haven't|have_not|havent|didnt) [actually|really|even] [do|finish|complete] {ref}",
      '(put|bring|move|set) {ref} back [to_pending|on_my_list|on_the_list]',
      '{ref} (is|are) (not_done|pending|open|undone|not_finished) [yet|again]',
    ],
    examples: ['reopen water the plants', 'mark the laundry as not done', 'oops, reopen it'],
  },
  {
    intent: 'complete',
    templates: [
      `mark {ref} [as] ${DONE}`,
      `mark {ref} off`,
      '(complete|finish|close|tick_off|check_off|cross_off|strike|done_with|finished_with) {ref}',
      '(tick|check|cross) {ref} off',
      `(set|put) {ref} (to|as) ${DONE}`,
      `{ref} [is|are|was|were|has_been|have_been] ${DONE} [now|already|too]`,
      "i ['ve|have|'m|am] [just|already|finally] (finished|completed|done_with|did|done) {ref}",
      'i [just|already|finally] {past}',
      '{past}',
    ],
    examples: [
      'mark buy groceries as done',
      'tick off the dentist one',
      'I paid the electricity bill',
      'groceries done',
    ],
  },
  {
    intent: 'delete',
    templates: [
      '(delete|remove|erase|scrap|trash|drop|cancel|bin|ditch|get_rid_of|forget_about|forget|discard|kill) {ref} [from_my_list|from_the_list|from_my_tasks|please]',
    ],
    examples: ['delete buy groceries', 'get rid of the groceries one'],
  },
  {
    intent: 'list',
    templates: [
      '(show|list|display|view|see|give|get|tell|fetch|find|search|filter|sort) [me] [for] [{rest}]',
      "(what|what's|whats|what_is|what_are|which|anything|is_anything|are_there|any|do_i_have|have_i|how_many|where|when) {rest}",
      '(my|all_my|all) (tasks|todos|to-dos|todo_list|to-do_list|list|reminders) [{rest}]',
      'is there anything {rest}',
    ],
    examples: ['show my high priority tasks', 'is anything overdue?', "what's due today?", 'what have I finished'],
  },
  {
    intent: 'add',
    templates: [
      '(add|create|new|put|jot_down|note_down|write_down|todo|to-do|plus) [:] {rest}',
      'remind me (to|that|about|of) {rest}',
      "(i|we) ['ll|will] (need|have|must|should|gotta|got|want|ought) [to] {rest}",
      '(need|have|got|gotta) to {rest}',
      "(don't|do_not|dont) [let_me] forget [to|about] {rest}",
      '(remember|reminder) [to|:] {rest}',
    ],
    examples: [
      'remind me to call the plumber tomorrow',
      'add milk and eggs',
      "Add 'submit expense report' due next Friday",
    ],
  },
];
