package fakeslack

import (
	"slices"
	"strings"
)

// UserGroup is a Slack user group (@compta): a handle people mention, and
// its members. Reading it takes the usergroups:read scope.
type UserGroup struct {
	ID       string // required, e.g. "S1"
	Handle   string // without its '@', e.g. "compta"
	Name     string
	Users    []string
	Disabled bool
}

func init() {
	methods["usergroups.list"] = (*Server).usergroupsList
	methods["usergroups.users.list"] = (*Server).usergroupsUsersList
}

// AddUserGroup adds g to the workspace, replacing any group with the same
// ID. It fails the test if g has no ID or handle, or names a member that is
// not a user.
func (s *Server) AddUserGroup(g UserGroup) {
	s.tb.Helper()
	if g.ID == "" || g.Handle == "" {
		s.tb.Fatalf("fakeslack: AddUserGroup: group %q needs an ID and a handle", g.Name)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range g.Users {
		if _, ok := s.users[u]; !ok {
			s.tb.Fatalf("fakeslack: AddUserGroup: member %s of %s is not a user (AddUser it first)", u, g.ID)
			return
		}
	}
	g.Users = slices.Clone(g.Users)
	s.groups = slices.DeleteFunc(s.groups, func(o *UserGroup) bool { return o.ID == g.ID })
	s.groups = append(s.groups, &g)
	s.broadcast()
}

func (s *Server) groupObject(g *UserGroup, withUsers bool) result {
	o := result{
		"id": g.ID, "team_id": TeamID, "is_usergroup": true, "name": g.Name, "description": "",
		"handle": g.Handle, "is_external": false, "date_create": 1_600_000_000, "date_update": 1_600_000_000,
		"date_delete": 0, "auto_type": nil, "created_by": BotUserID, "updated_by": BotUserID,
		"prefs": result{"channels": []string{}, "groups": []string{}}, "user_count": len(g.Users),
	}
	if g.Disabled {
		o["date_delete"] = 1_600_000_001
	}
	if withUsers {
		o["users"] = g.Users
	}
	return o
}

// usergroupsList lists the groups, the disabled ones only with
// include_disabled, their members only with include_users, as Slack does.
func (s *Server) usergroupsList(r *request) (result, string) {
	out := []result{}
	for _, g := range s.groups {
		if g.Disabled && !r.bool("include_disabled") {
			continue
		}
		out = append(out, s.groupObject(g, r.bool("include_users")))
	}
	return result{"usergroups": out}, ""
}

// usergroupsUsersList lists a group's members; Slack answers
// no_such_subteam for an unknown id, and a disabled group's members only
// with include_disabled.
func (s *Server) usergroupsUsersList(r *request) (result, string) {
	id := strings.TrimSpace(r.get("usergroup"))
	for _, g := range s.groups {
		if g.ID != id {
			continue
		}
		if g.Disabled && !r.bool("include_disabled") {
			return nil, "no_such_subteam"
		}
		return result{"users": slices.Clone(g.Users)}, ""
	}
	return nil, "no_such_subteam"
}
