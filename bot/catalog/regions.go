package catalog

// Region is one of the top-level administrative units of Kazakhstan: a
// region (облыс) or a city of republican significance.
type Region struct {
	// Code is the stable lowercase ASCII key a Forum's Region refers to.
	Code string
	// Name is the official name ("Жетісу облысы" / "область Жетісу" /
	// "Zhetysu Region").
	Name Text
	// Center is the administrative centre; for a city of republican
	// significance, the city itself.
	Center Text
}

// Regions are the 17 regions of Kazakhstan as they are since the 2022 reform
// (which created Abai, Zhetysu and Ulytau), followed by the three cities of
// republican significance. The order is the alphabetical order of the codes
// for the regions, then Astana, Almaty and Shymkent.
var Regions = []Region{
	{Code: "abai", Name: Text{KK: "Абай облысы", RU: "область Абай", EN: "Abai Region"}, Center: Text{KK: "Семей", RU: "Семей", EN: "Semey"}},
	{Code: "akmola", Name: Text{KK: "Ақмола облысы", RU: "Акмолинская область", EN: "Akmola Region"}, Center: Text{KK: "Көкшетау", RU: "Кокшетау", EN: "Kokshetau"}},
	{Code: "aktobe", Name: Text{KK: "Ақтөбе облысы", RU: "Актюбинская область", EN: "Aktobe Region"}, Center: Text{KK: "Ақтөбе", RU: "Актобе", EN: "Aktobe"}},
	{Code: "almaty_region", Name: Text{KK: "Алматы облысы", RU: "Алматинская область", EN: "Almaty Region"}, Center: Text{KK: "Қонаев", RU: "Конаев", EN: "Konaev"}},
	{Code: "atyrau", Name: Text{KK: "Атырау облысы", RU: "Атырауская область", EN: "Atyrau Region"}, Center: Text{KK: "Атырау", RU: "Атырау", EN: "Atyrau"}},
	{Code: "east_kazakhstan", Name: Text{KK: "Шығыс Қазақстан облысы", RU: "Восточно-Казахстанская область", EN: "East Kazakhstan Region"}, Center: Text{KK: "Өскемен", RU: "Усть-Каменогорск", EN: "Oskemen"}},
	{Code: "jambyl", Name: Text{KK: "Жамбыл облысы", RU: "Жамбылская область", EN: "Zhambyl Region"}, Center: Text{KK: "Тараз", RU: "Тараз", EN: "Taraz"}},
	{Code: "jetisu", Name: Text{KK: "Жетісу облысы", RU: "область Жетісу", EN: "Zhetysu Region"}, Center: Text{KK: "Талдықорған", RU: "Талдыкорган", EN: "Taldykorgan"}},
	{Code: "karaganda", Name: Text{KK: "Қарағанды облысы", RU: "Карагандинская область", EN: "Karaganda Region"}, Center: Text{KK: "Қарағанды", RU: "Караганда", EN: "Karaganda"}},
	{Code: "kostanay", Name: Text{KK: "Қостанай облысы", RU: "Костанайская область", EN: "Kostanay Region"}, Center: Text{KK: "Қостанай", RU: "Костанай", EN: "Kostanay"}},
	{Code: "kyzylorda", Name: Text{KK: "Қызылорда облысы", RU: "Кызылординская область", EN: "Kyzylorda Region"}, Center: Text{KK: "Қызылорда", RU: "Кызылорда", EN: "Kyzylorda"}},
	{Code: "mangystau", Name: Text{KK: "Маңғыстау облысы", RU: "Мангистауская область", EN: "Mangystau Region"}, Center: Text{KK: "Ақтау", RU: "Актау", EN: "Aktau"}},
	{Code: "north_kazakhstan", Name: Text{KK: "Солтүстік Қазақстан облысы", RU: "Северо-Казахстанская область", EN: "North Kazakhstan Region"}, Center: Text{KK: "Петропавл", RU: "Петропавловск", EN: "Petropavl"}},
	{Code: "pavlodar", Name: Text{KK: "Павлодар облысы", RU: "Павлодарская область", EN: "Pavlodar Region"}, Center: Text{KK: "Павлодар", RU: "Павлодар", EN: "Pavlodar"}},
	{Code: "turkistan", Name: Text{KK: "Түркістан облысы", RU: "Туркестанская область", EN: "Turkistan Region"}, Center: Text{KK: "Түркістан", RU: "Туркестан", EN: "Turkistan"}},
	{Code: "ulytau", Name: Text{KK: "Ұлытау облысы", RU: "область Ұлытау", EN: "Ulytau Region"}, Center: Text{KK: "Жезқазған", RU: "Жезказган", EN: "Zhezkazgan"}},
	{Code: "west_kazakhstan", Name: Text{KK: "Батыс Қазақстан облысы", RU: "Западно-Казахстанская область", EN: "West Kazakhstan Region"}, Center: Text{KK: "Орал", RU: "Уральск", EN: "Oral"}},
	{Code: "astana", Name: Text{KK: "Астана қаласы", RU: "город Астана", EN: "Astana City"}, Center: Text{KK: "Астана", RU: "Астана", EN: "Astana"}},
	{Code: "almaty", Name: Text{KK: "Алматы қаласы", RU: "город Алматы", EN: "Almaty City"}, Center: Text{KK: "Алматы", RU: "Алматы", EN: "Almaty"}},
	{Code: "shymkent", Name: Text{KK: "Шымкент қаласы", RU: "город Шымкент", EN: "Shymkent City"}, Center: Text{KK: "Шымкент", RU: "Шымкент", EN: "Shymkent"}},
}

// RegionByCode returns the region or city of republican significance with
// code ("jambyl", "almaty", ...). Regions is short, so a scan is as fast as a
// map and never goes stale.
func RegionByCode(code string) (Region, bool) {
	for _, r := range Regions {
		if r.Code == code {
			return r, true
		}
	}
	return Region{}, false
}

// RegionCodes returns the known region codes in the order of Regions.
func RegionCodes() []string {
	out := make([]string, len(Regions))
	for i, r := range Regions {
		out[i] = r.Code
	}
	return out
}
