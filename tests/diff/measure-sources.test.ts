import { describe, expect, it } from 'vitest'
import type { Measure } from '../../src/domain/index.js'
import { planMeasureFromOtherSource } from '../../src/diff/plan.js'

const stored: Measure = {
  id: 'US-LA/2025/SB154',
  jurisdiction: 'US-LA',
  title: 'Criminalizes the possession or distribution of kratom. (8/1/25)',
  stage: 'passed_legislature',
  url: 'https://legiscan.com/LA/bill/SB154/2025',
  last_action: 'Sent to the Governor by the Secretary of the Senate.',
  last_action_date: '2025-05-29',
  effective_date: null,
  proposed_effect: null,
}
const other = (patch: Partial<Measure>): Measure => ({
  ...stored,
  title: 'SB 154 as another source titles it',
  url: 'https://openstates.org/la/bills/2025/SB154/',
  last_action: 'reworded',
  ...patch,
})

// A measure another source wrote: which observations change it (see planMeasureFromOtherSource).
describe('planMeasureFromOtherSource', () => {
  it('applies a later last action in full', () => {
    const later = other({ stage: 'enacted', last_action_date: '2025-06-04' })
    expect(planMeasureFromOtherSource(stored, later, 'secondary')).toEqual({ kind: 'apply', measure: later })
  })
  it('keeps the stored wording for the same stage on the same day, filling only a missing effect', () => {
    const effect = { subject: 'kratom' as const, status: 'banned' as const }
    expect(planMeasureFromOtherSource(stored, other({}), 'secondary')).toEqual({ kind: 'apply', measure: stored })
    expect(planMeasureFromOtherSource(stored, other({ proposed_effect: effect }), 'secondary')).toEqual({
      kind: 'apply',
      measure: { ...stored, proposed_effect: effect },
    })
    expect(
      planMeasureFromOtherSource(
        { ...stored, proposed_effect: { subject: 'kratom', status: 'regulated' } },
        other({ proposed_effect: effect }),
        'primary',
      ),
    ).toEqual({ kind: 'apply', measure: { ...stored, proposed_effect: { subject: 'kratom', status: 'regulated' } } })
  })
  it('never rolls back from an older last action, whatever the trust', () => {
    expect(
      planMeasureFromOtherSource(stored, other({ stage: 'passed_chamber', last_action_date: '2025-05-27' }), 'primary'),
    ).toEqual({ kind: 'ignore' })
    expect(
      planMeasureFromOtherSource(stored, other({ stage: 'passed_chamber', last_action_date: null }), 'primary'),
    ).toEqual({ kind: 'ignore' })
  })
  it('lets only a primary source change the stage on the same day', () => {
    expect(planMeasureFromOtherSource(stored, other({ stage: 'enacted' }), 'secondary')).toEqual({ kind: 'ignore' })
    expect(planMeasureFromOtherSource(stored, other({ stage: 'enacted' }), 'primary')).toMatchObject({
      kind: 'apply',
      measure: { stage: 'enacted', title: 'SB 154 as another source titles it' },
    })
  })
})
