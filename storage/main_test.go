package storage

import (
	"os"
	"strings"
	"testing"

	"github.com/forumbot/forumbot/bot/catalog"
	"github.com/forumbot/forumbot/storage/redistest"
	"github.com/redis/go-redis/v9"
)

// The integration tests share one redis-server; each test keeps to its own
// key prefix.
func TestMain(m *testing.M) { redistest.Main(m) }

// newStore returns a Store on its own client of the shared server, under a
// prefix of the test's own (unless opts has one), with the scripts loaded so
// that round-trip counts do not include a first NOSCRIPT.
func newStore(t testing.TB, opts Options) *Store {
	t.Helper()
	return storeOn(t, testClient(t), opts)
}

// clusterEnv, when set (to the comma-separated seeds of a Redis Cluster),
// makes newStore and counted use a cluster client: TestSuiteOnCluster runs
// this test binary again so, and the same assertions then hold on a cluster.
const clusterEnv = "FORUMBOT_TEST_CLUSTER"

// testClient is a client of the shared server, or of the cluster of
// clusterEnv.
func testClient(t testing.TB) redis.UniversalClient {
	t.Helper()
	seeds := os.Getenv(clusterEnv)
	if seeds == "" {
		return redistest.Client(t)
	}
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(seeds, ",")})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func storeOn(t testing.TB, rdb redis.UniversalClient, opts Options) *Store {
	t.Helper()
	if opts.Prefix == "" {
		opts.Prefix = redistest.Prefix(t)
	}
	s := New(rdb, opts)
	if err := s.loadScripts(t.Context()); err != nil {
		t.Fatalf("load scripts: %v", err)
	}
	return s
}

// counted returns a Store (on a new client) whose commands c counts.
func counted(t testing.TB, opts Options) (*Store, *Counter) {
	t.Helper()
	c := NewCounter()
	rdb := testClient(t)
	rdb.AddHook(c.Hook())
	return storeOn(t, rdb, opts), c
}

// sampleCatalog fills every field of the domain types, so a round trip
// through storage that drops or mangles any of them fails deep equality.
func sampleCatalog() *catalog.Catalog {
	end := catalog.Date{Year: 2023, Month: 11, Day: 17, Precision: catalog.PrecisionDay}
	return &catalog.Catalog{Forums: []catalog.Forum{
		{
			ID:      "civil-forum-2023",
			Ordinal: 8,
			Level:   catalog.LevelNational,
			Region:  "astana",
			City:    catalog.Text{KK: "Астана", RU: "Астана", EN: "Astana"},
			Venue:   catalog.Text{KK: "Тәуелсіздік сарайы", RU: "Дворец Независимости", EN: "Palace of Independence"},
			Title:   catalog.Text{KK: "VIII Азаматтық форум", RU: "VIII Гражданский форум", EN: "8th Civil Forum"},
			Theme:   catalog.Text{RU: "Диалог общества и государства"},
			Summary: catalog.Text{EN: "NGOs and state bodies met to discuss \"civil society\" & <reforms>."},
			Start:   catalog.Date{Year: 2023, Month: 11, Day: 16, Precision: catalog.PrecisionDay, Time: "10:00"},
			End:     &end,
			Days:    2,
			Organizers: []catalog.Text{
				{KK: "Азаматтық альянс", RU: "Гражданский альянс"},
			},
			Speakers: []catalog.Person{
				{Name: catalog.Text{RU: "А. Иванова"}, Role: catalog.Text{RU: "модератор", EN: "moderator"}},
			},
			Agenda:   []catalog.Text{{EN: "Opening"}, {EN: "Panels"}},
			Outcomes: []catalog.Text{{RU: "Резолюция"}},
			Figures: []catalog.Figure{
				{Label: catalog.Text{EN: "NGOs"}, Value: "about 400", Approx: true, Kind: "ngo_count"},
				{Label: catalog.Text{EN: "Grants"}, Value: "814.8 mln tenge", Kind: "funding"},
			},
			Awards: []catalog.Award{{
				Contest:      catalog.Text{RU: "Лучший проект"},
				Nomination:   catalog.Text{RU: "Экология"},
				Winner:       catalog.Text{RU: "Б. Сериков"},
				Organization: catalog.Text{RU: "ОО «Жасыл»"},
				Project:      catalog.Text{RU: "Чистый город"},
			}},
			Links:  []catalog.Link{{Title: catalog.Text{EN: "Report"}, URL: "https://example.org/r?a=1&b=2"}},
			Source: "news report",
		},
		{
			ID:        "jambyl-2019",
			Level:     catalog.LevelRegional,
			Region:    "jambyl",
			Title:     catalog.Text{KK: "Өңірлік форум"},
			Start:     catalog.Date{Year: 2019, Precision: catalog.PrecisionYear, Approx: true},
			Cancelled: true,
		},
		{
			ID:     "unknown-date",
			Level:  catalog.LevelCity,
			Region: "almaty_city",
			Start:  catalog.Date{Precision: catalog.PrecisionUnknown},
		},
	}}
}
