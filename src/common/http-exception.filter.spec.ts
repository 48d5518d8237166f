import { ConnectionIsNotSetError, QueryFailedError, QueryRunnerProviderAlreadyReleasedError, TypeORMError } from 'typeorm';
import { isServiceUnavailable } from './http-exception.filter.js';

describe('isServiceUnavailable: what a database away or too slow throws is a 503, anything else is not', () => {
  it('takes the error of a transaction whose connection the server dropped for the database being away', () => {
    expect(isServiceUnavailable(new QueryRunnerProviderAlreadyReleasedError())).toBe(true);
    expect(isServiceUnavailable(new ConnectionIsNotSetError('postgres'))).toBe(true);
    // chained below another error, as Nest or a caller may wrap it
    expect(isServiceUnavailable(new Error('could not create the ticket', { cause: new QueryRunnerProviderAlreadyReleasedError() }))).toBe(true);
  });

  it('knows pg errors by their SQLSTATE and connection errors by their code', () => {
    const terminated = new QueryFailedError('SELECT 1', [], Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    expect(isServiceUnavailable(terminated)).toBe(true);
    expect(isServiceUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
  });

  it('leaves other errors alone (they are 4xx or 500 as they are)', () => {
    const unique = new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }));
    expect(isServiceUnavailable(unique)).toBe(false);
    expect(isServiceUnavailable(new TypeORMError('something else'))).toBe(false);
    expect(isServiceUnavailable(new Error('boom'))).toBe(false);
    expect(isServiceUnavailable(null)).toBe(false);
  });
});
