import { load } from 'cheerio'
import { describe, expect, it } from 'vitest'
import { LayoutChangedError, UnknownValueError } from '../errors.js'
import { effectFromTitle, expectMatch, expectOne, expectRows, isoDate, statusRules, text } from './helpers.js'

describe('text', () => {
  it.each([
    ['  a\u00a0 b\n c ', 'a b c'],
    ['', ''],
    [null, ''],
  ])('normalises %j to %j', (input, expected) => {
    expect(text(input)).toBe(expected)
  })

  it('reads an element with entities decoded', () => {
    expect(text(load('<p>Sec.&nbsp;444.001 &amp; more</p>')('p'))).toBe('Sec. 444.001 & more')
  })
})

describe('isoDate', () => {
  it.each([
    ['eff. September 1, 2023', '2023-09-01'],
    ['Sept. 1, 2023', '2023-09-01'],
    ['6/13/23', '2023-06-13'],
    ['9/1/2023', '2023-09-01'],
    ['effective 2025-08-01.', '2025-08-01'],
  ])('reads %j as %s', (input, expected) => {
    expect(isoDate(input)).toBe(expected)
  })

  it.each(['February 30, 2026', '13/1/2025', 'sometime soon'])('refuses %j', (input) => {
    expect(() => isoDate(input)).toThrow(UnknownValueError)
  })
})

describe('statusRules', () => {
  const statusOf = statusRules({ 'Schedule I': 'banned', 'age  restricted': 'regulated' })
  it('maps every known wording, ignoring case and spacing', () => {
    expect(statusOf('schedule i')).toBe('banned')
    expect(statusOf(' Age restricted ')).toBe('regulated')
  })
  it('throws on an unseen wording, listing the known ones', () => {
    expect(() => statusOf('Pending')).toThrow(/unknown status label "Pending"; known: "schedule i", "age restricted"/)
  })
})

describe('expectOne, expectRows, expectMatch', () => {
  const $ = load('<h1>Chapter 444</h1><table><tr><td>a</td></tr><tr><td>b</td></tr></table>')
  it('return what they find', () => {
    expect(text(expectOne($, 'h1', 'heading'))).toBe('Chapter 444')
    expect(expectRows($, 'tr', 'rows').map((r) => text(r))).toEqual(['a', 'b'])
    expect(expectMatch('younger than 21 years', /younger than (\d+)/, 'age')[1]).toBe('21')
  })
  it('throw LayoutChangedError naming what was expected', () => {
    expect(() => expectOne($, 'tr', 'row')).toThrow(/expected one row at "tr", found 2/)
    expect(() => expectRows($, 'li', 'list items')).toThrow(LayoutChangedError)
    expect(() => expectMatch('nothing here', /age (\d+)/, 'minimum age')).toThrow(/minimum age/)
  })
})

describe('effectFromTitle', () => {
  it.each([
    ['Kratom Consumer Protection Act', { subject: 'kratom', status: 'regulated' }],
    ['Adds 7-hydroxymitragynine to Schedule I', { subject: '7-oh', status: 'banned' }],
    ['Criminalizes the possession or distribution of kratom. (8/1/25)', { subject: 'kratom', status: 'banned' }],
    ['Regulates the sale of kratom; minimum age', { subject: 'kratom', status: 'regulated' }],
    ['Provides relative to kratom', null],
    ['Relating To Consumer Protection.', null],
  ])('reads %j', (title, expected) => {
    expect(effectFromTitle(title)).toEqual(expected)
  })
})
