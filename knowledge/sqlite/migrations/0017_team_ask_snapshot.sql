-- A team's channel and working hours when it took a question, in the
-- columns of teams: an import that drops or renames the team replaces
-- teams, and the promise is still held on these. Questions taken before
-- have none: no channel, and the wall clock (zone '').
ALTER TABLE team_asks ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE team_asks ADD COLUMN zone TEXT NOT NULL DEFAULT '';
ALTER TABLE team_asks ADD COLUMN week TEXT NOT NULL DEFAULT '[]';
ALTER TABLE team_asks ADD COLUMN holidays TEXT NOT NULL DEFAULT '[]';
