package sqlite

import (
	"context"
	"database/sql"
)

// ReplaceOrgChart replaces the whole org chart with managers (person id →
// manager id), in one transaction: an import replaces the previous one,
// and readers see the old chart or the new one, never a mix. Entries with
// an empty id are skipped. An empty map clears the chart.
func (db *DB) ReplaceOrgChart(ctx context.Context, managers map[string]string) error {
	return db.update(ctx, "replace org chart", func(t *tx) error {
		if _, err := t.ExecContext(ctx, `DELETE FROM org_managers`); err != nil {
			return err
		}
		for person, manager := range managers {
			if person == "" || manager == "" {
				continue
			}
			if _, err := t.ExecContext(ctx, `INSERT INTO org_managers (person_id, manager_id) VALUES (?, ?)`, person, manager); err != nil {
				return err
			}
		}
		return nil
	})
}

// OrgChart returns the org chart, person id → manager id; an empty map when
// none was imported.
func (db *DB) OrgChart(ctx context.Context) (map[string]string, error) {
	managers := make(map[string]string)
	err := db.view(ctx, "read org chart", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT person_id, manager_id FROM org_managers`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p, m string
			if err := rows.Scan(&p, &m); err != nil {
				return err
			}
			managers[p] = m
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return managers, nil
}

// ResolvePeople returns, for each of keys that names a known person, that
// person's id: a key equal to a person's id, or an e-mail address equal to
// a person's e-mail regardless of (ASCII) case. An id match wins over an
// e-mail match; among people sharing an e-mail, a live person wins over a
// deleted one, then the smallest id.
func (db *DB) ResolvePeople(ctx context.Context, keys []string) (map[string]string, error) {
	ids := make(map[string]string)
	if len(keys) == 0 {
		return ids, nil
	}
	err := db.view(ctx, "resolve people", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `
			SELECT k.value, p.id, 0, p.deleted
			FROM json_each(?1) k JOIN people p ON p.id = k.value
			UNION ALL
			SELECT k.value, p.id, 1, p.deleted
			FROM json_each(?1) k JOIN people p ON p.email <> '' AND lower(p.email) = lower(k.value)
			WHERE instr(k.value, '@') > 0
			ORDER BY 1, 3, 4, 2`, jsonIDs(keys))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				key, id      string
				byMail, gone bool
			)
			if err := rows.Scan(&key, &id, &byMail, &gone); err != nil {
				return err
			}
			if _, done := ids[key]; !done {
				ids[key] = id
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return ids, nil
}
