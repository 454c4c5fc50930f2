import type { Selectable } from 'kysely'

import type { Database } from '../db/database.js'
import type { SavedSearchesTable } from '../db/schema.js'
import { AppError } from '../errors/app-error.js'

import { parseQuery } from './search/index.js'

/** A saved search as the API shows it. Times are ISO 8601 UTC. */
export interface SavedSearchJson {
  id: number
  name: string
  query: string
  ownerId: number
  /** The owner's username. */
  owner: string | null
  shared: boolean
  createdAt: string
  updatedAt: string
}

/** Who acts on saved searches: owners change their own, admins any. */
export interface SearchActor {
  accountId: number
  isAdmin: boolean
}

export interface SavedSearchInput {
  name: string
  query: string
  shared: boolean
}

/** Longest accepted name, in characters. */
export const MAX_SEARCH_NAME = 200

type Row = Selectable<SavedSearchesTable> & { owner: string | null }

function toJson(row: Row): SavedSearchJson {
  return {
    id: row.id,
    name: row.name,
    query: row.query,
    ownerId: row.owner_id,
    owner: row.owner,
    shared: row.shared === 1,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  }
}

function checkInput(input: Partial<SavedSearchInput>): void {
  if (input.name !== undefined && input.name.trim() === '') {
    throw new AppError('VALIDATION_FAILED', 'name must not be blank', {
      status: 400,
      field: 'name',
    })
  }
  // A saved search that cannot run is refused now, with the position of the mistake.
  if (input.query !== undefined) parseQuery(input.query)
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code

  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}

function nameTaken(name: string): AppError {
  return new AppError('CONFLICT', `you already have a saved search named "${name}"`, {
    status: 409,
    field: 'name',
  })
}

/** Saved searches: private to their owner unless shared; owners and admins change them. */
export class SavedSearches {
  readonly #database: Database
  readonly #now: () => number

  constructor(database: Database, now: () => number = Date.now) {
    this.#database = database
    this.#now = now
  }

  #select() {
    return this.#database.db
      .selectFrom('saved_searches as s')
      .leftJoin('accounts as a', 'a.id', 's.owner_id')
      .selectAll('s')
      .select('a.username as owner')
  }

  /** The searches `accountId` owns and those others share, by name. */
  async list(accountId: number): Promise<SavedSearchJson[]> {
    const rows = await this.#select()
      .where((eb) => eb.or([eb('s.owner_id', '=', accountId), eb('s.shared', '=', 1)]))
      .orderBy('s.name')
      .orderBy('s.id')
      .execute()

    return rows.map(toJson)
  }

  /** One search the account may see; NOT_FOUND for others' private ones. */
  async get(id: number, accountId: number): Promise<SavedSearchJson> {
    const row = await this.#select().where('s.id', '=', id).executeTakeFirst()
    if (row === undefined || (row.owner_id !== accountId && row.shared !== 1)) {
      throw new AppError('NOT_FOUND', `saved search ${id} does not exist`, { status: 404 })
    }

    return toJson(row)
  }

  /** Saves a new search owned by `accountId`; CONFLICT when the owner has one of that name. */
  async create(accountId: number, input: SavedSearchInput): Promise<SavedSearchJson> {
    checkInput(input)
    const now = this.#now()
    const name = input.name.trim()
    try {
      const inserted = await this.#database.db
        .insertInto('saved_searches')
        .values({
          name,
          query: input.query,
          owner_id: accountId,
          shared: input.shared ? 1 : 0,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow()

      return await this.get(inserted.id, accountId)
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(name)

      throw error
    }
  }

  async #owned(id: number, actor: SearchActor) {
    const row = await this.#database.db
      .selectFrom('saved_searches')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    const visible = row !== undefined && (row.owner_id === actor.accountId || row.shared === 1)
    if (row === undefined || (!visible && !actor.isAdmin)) {
      throw new AppError('NOT_FOUND', `saved search ${id} does not exist`, { status: 404 })
    }
    if (row.owner_id !== actor.accountId && !actor.isAdmin) {
      throw new AppError('FORBIDDEN', 'only its owner or an admin changes a saved search', {
        status: 403,
      })
    }

    return row
  }

  /** Changes name, query or shared flag; owner or admin only. */
  async update(
    id: number,
    actor: SearchActor,
    changes: Partial<SavedSearchInput>,
  ): Promise<SavedSearchJson> {
    checkInput(changes)
    const row = await this.#owned(id, actor)
    const name = changes.name?.trim()
    try {
      await this.#database.db
        .updateTable('saved_searches')
        .set({
          ...(name === undefined ? {} : { name }),
          ...(changes.query === undefined ? {} : { query: changes.query }),
          ...(changes.shared === undefined ? {} : { shared: changes.shared ? 1 : 0 }),
          updated_at: this.#now(),
        })
        .where('id', '=', id)
        .execute()
    } catch (error) {
      if (isUniqueViolation(error)) throw nameTaken(name ?? row.name)

      throw error
    }

    return this.get(id, row.owner_id)
  }

  /** Deletes a search; owner or admin only. */
  async remove(id: number, actor: SearchActor): Promise<void> {
    await this.#owned(id, actor)
    await this.#database.db.deleteFrom('saved_searches').where('id', '=', id).execute()
  }
}
