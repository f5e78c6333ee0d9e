package catalog

import (
	"slices"
	"testing"
)

func TestSearchDropsWeakCompanions(t *testing.T) {
	t.Parallel()
	ix := NewIndex(Builtin())
	ids := func(q string) []string {
		var out []string
		for _, h := range ix.Search(q, 0) {
			out = append(out, h.Forum.ID)
		}
		slices.Sort(out)
		return out
	}
	cases := map[string][]string{
		"Тараз":       {"taraz-viii-2018"},
		"award 2023":  {"zhetysu-ii-2023"},
		"Талдыкорган": {"taldykorgan-ngo-forum", "zhetysu-ii-2023"},
		// No forum is in Taraz in 2019: the best partial match still shows.
		"Тараз 2019": {"taraz-viii-2018"},
	}
	for q, want := range cases {
		if got := ids(q); !slices.Equal(got, want) {
			t.Errorf("Search(%q) = %v, want %v", q, got, want)
		}
	}
}
