import {describe, it, vi} from 'vitest';
import {thing} from './thing';

jest.mock('./jest-mock', () => ({fn: jest.fn()}));
jest.unmock('./jest-unmock');
jest.doMock('./jest-do-mock');
jest.dontMock('./jest-dont-mock');
const actual = jest.requireActual('./jest-require-actual');
const mocked = jest.requireMock('./jest-require-mock');
const auto = jest.createMockFromModule('./jest-create-mock');
vi.mock('./vi-mock');
vi.mock(import('./vi-mock-import'));
vi.unmock('./vi-unmock');
vi.doMock("./vi-do-mock");
const va = await vi.importActual<typeof import('./vi-type-arg')>('./vi-import-actual');
const vm = await vi.importMock('./vi-import-mock');
const where = require.resolve('./resolved');

describe('x', () => {
  it('y', () => {
    jest.mock(`./nested-template`);
    jest.spyOn(thing, 'not-a-module');
    vi.fn('not-a-module');
    expect('not-a-module').toBe('x');
  });
});
