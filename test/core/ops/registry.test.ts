import { describe, expect, expectTypeOf, it } from 'vitest';
import { apply, createState } from '../../../src/core/engine.ts';
import { accept } from '../../../src/core/op-result.ts';
import type { HandlerTable } from '../../../src/core/op-table.ts';
import {
  choice,
  device,
  type Field,
  flags,
  type FlagList,
  group,
  int,
  objectRef,
  type ObjectRef,
  optional,
  ranges,
  u64,
} from '../../../src/core/ops/fields.ts';
import { parseSpecFlags } from '../../../src/core/ops/flags.ts';
import { OBJECT_REF_FIELDS, refFieldsOf } from '../../../src/core/ops/refs.ts';
import { isOpName, OP_NAMES, OP_SPECS } from '../../../src/core/ops/registry.ts';
import { defineOp, type OpSpec, type SpecAction } from '../../../src/core/ops/spec.ts';
import {
  formatLoadError,
  loadValue,
  resolveStepRefs,
  type ScenarioStep,
} from '../../../src/core/scenario/index.ts';
import { stepSchemaFor } from '../../../src/core/scenario/step-schema.ts';
import type { Range, U64 } from '../../../src/core/u64.ts';
import {
  buildAction,
  formFor,
  initialValues,
  opFormOf,
} from '../../../src/view/actions/op-forms.ts';

/** A value of the field's kind as a scenario file writes it. */
function sampleJson(field: Field): unknown {
  switch (field.kind) {
    case 'u64':
      return '0x1000';
    case 'ref':
      return '$obj';
    case 'group':
    case 'int':
      return 1;
    case 'device':
      return '0000:01:00.0';
    case 'ranges':
      return [{ start: '0x1000', last: '0x1fff' }];
    case 'choice':
      return field.choices[0];
    case 'flags':
      return Object.keys(field.bits).slice(0, 1);
  }
}

/** The value the engine receives for `sampleJson(field)` once `$obj` is bound to 7. */
function sampleValue(field: Field): unknown {
  switch (field.kind) {
    case 'u64':
      return 0x1000n;
    case 'ref':
      return 7;
    case 'ranges':
      return [{ start: 0x1000n, last: 0x1fffn }];
    default:
      return sampleJson(field);
  }
}

function wellFormed(op: string, spec: OpSpec): Record<string, unknown> {
  return {
    op,
    ...Object.fromEntries(Object.entries(spec.fields).map(([k, f]) => [k, sampleJson(f)])),
  };
}

function loadSteps(steps: unknown[]) {
  return loadValue({ format: 'iova-explorer.scenario/1', steps });
}

/** The ops of DESIGN.md §4, plus the group, device fd and option ops the model added since. */
const VOCABULARY = [
  'vfio.container_create',
  'vfio.group_set_container',
  'vfio.group_unset_container',
  'vfio.group_get_status',
  'vfio.group_get_device_fd',
  'vfio.device_close',
  'vfio.set_iommu',
  'vfio.map_dma',
  'vfio.unmap_dma',
  'vfio.get_info',
  'vfio.check_extension',
  'iommufd.ioas_alloc',
  'iommufd.ioas_map',
  'iommufd.ioas_unmap',
  'iommufd.ioas_iova_ranges',
  'iommufd.ioas_allow_iovas',
  'iommufd.ioas_copy',
  'iommufd.test_add_reserved',
  'iommufd.device_bind',
  'iommufd.device_attach',
  'iommufd.hwpt_alloc',
  'iommufd.device_detach',
  'iommufd.device_unbind',
  'iommufd.destroy',
  'iommufd.option',
  'iommu.group_resv_regions',
  'iommu.groups',
] as const;

describe('every registered op gets a schema, a form, reference fields and a handler', () => {
  it("holds the design's op vocabulary, each op named model.op", () => {
    expect(OP_NAMES).toEqual(expect.arrayContaining([...VOCABULARY]));
    expect(new Set(OP_NAMES).size).toBe(OP_NAMES.length);
    for (const op of OP_NAMES) {
      expect(op).toMatch(/^(vfio|iommufd|iommu)\.[a-z_]+$/);
      expect(isOpName(op)).toBe(true);
    }
    expect(isOpName('vfio.map')).toBe(false);
    expect(isOpName('toString')).toBe(false);
  });

  for (const op of OP_NAMES) {
    const spec: OpSpec = OP_SPECS[op];
    describe(op, () => {
      it('has a uAPI call and a one-line doc', () => {
        expect(spec.call.length).toBeGreaterThan(0);
        expect(spec.doc).toMatch(/^[A-Z].*\.$/);
        expect(spec.doc).not.toContain('\n');
      });

      it('loads a well-formed step into the action its field kinds describe', () => {
        const r = loadSteps([wellFormed(op, spec)]);
        if (!r.ok) throw new Error(r.errors.map(formatLoadError).join('\n'));
        if (r.kind !== 'scenario') throw new Error(r.kind);
        const { action, unbound } = resolveStepRefs(
          r.scenario.steps[0] as ScenarioStep,
          new Map([['obj', 7]]),
        );
        expect(unbound).toEqual([]);
        expect(action).toEqual({
          op,
          ...Object.fromEntries(Object.entries(spec.fields).map(([k, f]) => [k, sampleValue(f)])),
        });
      });

      it('names the JSON path of each required field left out', () => {
        const required = Object.entries(spec.fields).filter(
          ([, f]) => !f.optional && f.kind !== 'flags',
        );
        for (const [name] of required) {
          const { [name]: _left, ...step } = wellFormed(op, spec);
          const r = loadSteps([{ op: 'iommu.groups' }, step]);
          expect(r.ok ? [] : r.errors.map(formatLoadError)).toEqual([
            expect.stringMatching(new RegExp(`^steps\\[1\\]\\.${name}: required field is missing`)),
          ]);
        }
      });

      it('leaves out optional fields and fills a flags word with the empty list', () => {
        const bare = Object.fromEntries(
          Object.entries(wellFormed(op, spec)).filter(
            ([k]) => k === 'op' || !(spec.fields[k]?.optional || spec.fields[k]?.kind === 'flags'),
          ),
        );
        const r = loadSteps([bare]);
        if (!r.ok || r.kind !== 'scenario') throw new Error(JSON.stringify(r));
        const flagsField = spec.fields['flags'];
        if (flagsField && !flagsField.optional)
          expect(r.scenario.steps[0]).toMatchObject({ flags: [] });
        for (const [k, f] of Object.entries(spec.fields))
          if (f.optional) expect(r.scenario.steps[0]).not.toHaveProperty(k);
      });

      it('resolves "$name" in exactly the fields declared as object references', () => {
        for (const name of refFieldsOf(spec)) expect(OBJECT_REF_FIELDS.has(name)).toBe(true);
        const refKinds = Object.entries(spec.fields).filter(([, f]) => f.kind === 'ref');
        expect(refFieldsOf(spec)).toEqual(refKinds.map(([k]) => k));
      });

      it('has a form titled by its call whose fields follow the entry', () => {
        const form = formFor(op);
        expect(form.op).toBe(op);
        expect(form.title).toBe(spec.call);
        expect(form.doc).toBe(spec.doc);
        const shown = Object.entries(spec.fields)
          .filter(([, f]) => f.kind !== 'flags' || Object.keys(f.bits).length > 0)
          .map(([k]) => k);
        expect(form.fields.map((f) => f.name)).toEqual(shown);
      });

      it('has a handler: the engine answers its action (here from an empty platform)', () => {
        const r = loadSteps([wellFormed(op, spec)]);
        if (!r.ok || r.kind !== 'scenario') throw new Error(JSON.stringify(r));
        const { action } = resolveStepRefs(r.scenario.steps[0] as ScenarioStep, new Map());
        const state = createState({});
        const applied = apply(state, action);
        expect(applied.outcome.ok || applied.outcome.errno.startsWith('E')).toBe(true);
        if (!applied.outcome.ok) expect(applied.outcome.rule.length).toBeGreaterThan(0);
      });
    });
  }
});

describe('a new entry gets everything derived from it', () => {
  const FIXTURE = defineOp({
    call: 'IOMMU_FIXTURE_OP',
    doc: 'A fixture op that exists only in this test.',
    fields: {
      box: objectRef('ioas', { label: 'box' }),
      at: u64({ hint: 'e.g. 0x1000' }),
      len: optional(u64()),
      mode: choice(['fast', 'slow'], { formDefault: 'slow' }),
      grp: group(),
      dev: device(),
      count: optional(int()),
      span: ranges(),
      flags: flags({ ON: 1n, LOUD: 4n }, { unknownErrno: 'EOPNOTSUPP', formDefault: ['ON'] }),
    },
  });
  type FixtureAction = SpecAction<'fixture.op', typeof FIXTURE>;

  it('derives the action type', () => {
    expectTypeOf<FixtureAction>().toEqualTypeOf<{
      readonly op: 'fixture.op';
      readonly box: ObjectRef;
      readonly at: U64;
      readonly len?: U64;
      readonly mode: 'fast' | 'slow';
      readonly grp: number;
      readonly dev: string;
      readonly count?: number;
      readonly span: readonly Range[];
      readonly flags: FlagList;
    }>();
  });

  it('derives the step schema, with JSON paths for what is wrong', () => {
    const schema = stepSchemaFor('fixture.op', FIXTURE);
    const step = {
      op: 'fixture.op',
      as: 'f',
      box: '$b',
      at: '4K',
      mode: 'fast',
      grp: 3,
      dev: '0000:02:00.0',
      span: [],
    };
    expect(schema.parse(step)).toEqual({ ...step, at: 0x1000n, flags: [] });
    const { at: _at, ...noAt } = step;
    const missing = schema.safeParse(noAt);
    expect(missing.success).toBe(false);
    expect(missing.error?.issues.map((i) => i.path)).toEqual([['at']]);
    const badFlag = schema.safeParse({ ...step, flags: ['ON', 'QUIET'] });
    expect(badFlag.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [
        ['flags', 1],
        'unknown flag "QUIET" for fixture.op: expected ON, LOUD or raw bits written in hex such as "0x8"',
      ],
    ]);
    expect(schema.safeParse({ ...step, mode: 'medium' }).error?.issues[0]?.path).toEqual(['mode']);
    expect(schema.safeParse({ ...step, extra: 1 }).success).toBe(false);
  });

  it('derives the form and builds the action from its text', () => {
    const form = opFormOf('fixture.op', FIXTURE);
    expect(form.title).toBe('IOMMU_FIXTURE_OP');
    expect(form.defaultFlags).toEqual(['ON']);
    expect(form.fields.map((f) => [f.name, f.kind, f.optional ?? false])).toEqual([
      ['box', 'ref', false],
      ['at', 'u64', false],
      ['len', 'u64', true],
      ['mode', 'choice', false],
      ['grp', 'group', false],
      ['dev', 'bdf', false],
      ['count', 'int', true],
      ['span', 'ranges', true],
      ['flags', 'flags', false],
    ]);
    const values = {
      ...initialValues(form),
      box: '5',
      at: '0x2000',
      grp: '3',
      dev: '0000:02:00.0',
      span: '0x1000-0x1fff',
    };
    expect(buildAction(form, values)).toEqual({
      ok: true,
      action: {
        op: 'fixture.op',
        box: 5,
        at: 0x2000n,
        mode: 'slow',
        grp: 3,
        dev: '0000:02:00.0',
        span: [{ start: 0x1000n, last: 0x1fffn }],
        flags: ['ON'],
      },
    });
    const empty = buildAction(form, initialValues(form));
    expect(empty.ok ? {} : empty.errors).toEqual({
      box: 'box is required',
      at: 'at is required',
      grp: 'grp is required',
      dev: 'dev is required',
    });
  });

  it('derives the reference fields and the flag parser', () => {
    expect(refFieldsOf(FIXTURE)).toEqual(['box']);
    expect(parseSpecFlags(FIXTURE, ['ON', '0x4'])).toEqual({ ok: true, bits: 5n });
    for (const bad of ['QUIET', '0xzz', '0x_', '', '0x2'])
      expect(parseSpecFlags(FIXTURE, [bad]), bad).toMatchObject({ ok: false, errno: 'EOPNOTSUPP' });
  });

  it('joins a handler that receives the typed action', () => {
    const handlers: HandlerTable<{ 'fixture.op': typeof FIXTURE }> = {
      'fixture.op': (state, a) => accept(state, `${a.mode} at ${a.at}`, { flags: a.flags.length }),
    };
    const parsed = stepSchemaFor('fixture.op', FIXTURE).parse({
      op: 'fixture.op',
      box: 1,
      at: '0x10',
      mode: 'fast',
      grp: 0,
      dev: 'd',
      span: [],
    }) as FixtureAction;
    const state = createState({});
    const out = handlers['fixture.op'](state, parsed).outcome;
    expect(out).toMatchObject({ ok: true, message: 'fast at 16', result: { flags: 0 } });
  });
});
