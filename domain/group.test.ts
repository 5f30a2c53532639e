import { describe, expect, it } from 'vitest';
import {
  checkGroupInput,
  createGroup,
  groupFieldErrors,
  groupInputSchema,
  groupSchema,
  updateGroup,
} from './group';

const input = { name: 'Mindfulness', description: 'Tuesdays', metadata: {} };

describe('group rules', () => {
  it('trims the name and accepts up to 100 characters', () => {
    expect(groupInputSchema.parse({ ...input, name: '  Walk  ' }).name).toBe('Walk');
    expect(groupInputSchema.safeParse({ ...input, name: 'x'.repeat(100) }).success).toBe(true);
    // 100 characters plus surrounding spaces is still 100 once trimmed.
    expect(groupInputSchema.safeParse({ ...input, name: ` ${'x'.repeat(100)} ` }).success).toBe(true);
  });

  it('names the rule that failed, per field', () => {
    const cases: [unknown, { field: string; key: string }][] = [
      [
        { ...input, name: '' },
        { field: 'name', key: 'name.required' },
      ],
      [
        { ...input, name: '   ' },
        { field: 'name', key: 'name.required' },
      ],
      [
        { ...input, name: 'x'.repeat(101) },
        { field: 'name', key: 'name.tooLong' },
      ],
      [
        { ...input, description: 'd'.repeat(501) },
        { field: 'description', key: 'description.tooLong' },
      ],
    ];
    for (const [value, expected] of cases) {
      const result = groupInputSchema.safeParse(value);
      expect(result.success).toBe(false);
      if (!result.success) expect(groupFieldErrors(result.error)).toContainEqual(expected);
    }
  });

  it('keeps metadata as string → string and refuses other values and unknown fields', () => {
    expect(groupInputSchema.safeParse({ ...input, metadata: { room: '2B' } }).success).toBe(true);
    expect(groupInputSchema.safeParse({ ...input, metadata: { room: 2 } }).success).toBe(false);
    expect(groupInputSchema.safeParse({ ...input, colour: 'red' }).success).toBe(false);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']));
    expect(groupInputSchema.safeParse({ ...input, metadata: many }).success).toBe(false);
  });

  it('creates a stored group that passes the document schema', () => {
    const group = createGroup(checkGroupInput({ ...input, name: ' Walk ' }), 'g-1', 1000);
    expect(group).toEqual({
      id: 'g-1',
      name: 'Walk',
      description: 'Tuesdays',
      metadata: {},
      createdAt: 1000,
      updatedAt: 1000,
    });
    expect(groupSchema.parse(group)).toEqual(group);
  });

  it('refuses stored documents that break a rule the form would have fixed', () => {
    const group = createGroup(checkGroupInput(input), 'g-1', 1000);
    expect(groupSchema.safeParse({ ...group, name: ' padded' }).success).toBe(false);
    expect(groupSchema.safeParse({ ...group, id: 'has space' }).success).toBe(false);
    expect(groupSchema.safeParse({ ...group, id: 'x'.repeat(41) }).success).toBe(false);
    expect(groupSchema.safeParse({ ...group, createdAt: 1.5 }).success).toBe(false);
    expect(groupSchema.safeParse({ ...group, extra: true }).success).toBe(false);
  });

  it('updates keep id and creation time, and never move updatedAt backwards', () => {
    const group = createGroup(checkGroupInput(input), 'g-1', 5000);
    const edited = updateGroup(group, checkGroupInput({ ...input, name: 'Renamed' }), 6000);
    expect(edited).toMatchObject({
      id: 'g-1',
      name: 'Renamed',
      description: 'Tuesdays',
      createdAt: 5000,
      updatedAt: 6000,
    });
    // A device whose clock is behind still produces a later updatedAt than what it edits.
    expect(updateGroup(group, checkGroupInput({ ...input, name: 'Skewed' }), 10).updatedAt).toBe(5000);
  });

  it('takes only checked input: the check is made once, where the input comes in', () => {
    expect(() => checkGroupInput({ ...input, name: '' })).toThrow();
    expect(() => checkGroupInput({ ...input, name: 'x'.repeat(101) })).toThrow();
    const group = createGroup(checkGroupInput(input), 'g-1', 5000);
    // @ts-expect-error unchecked input does not compile: the form's or the body's parse makes it checked
    updateGroup(group, { ...input, name: 'Unchecked' }, 6000);
    // @ts-expect-error the same for a new group
    createGroup(input, 'g-2', 6000);
  });
});
