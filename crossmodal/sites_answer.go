package crossmodal

// SiteAnswers is a site-projections answer in columns, in the statement's
// row order: what AnswerSiteProjections returns and WriteParquet writes
// without materializing a row struct per site. Strings are dictionaries
// with an index per row (sessions, acronyms); the matched part of a row is
// an index into the match columns (one entry per matrix column when the
// columnar path answered, one per row when built from rows).
type SiteAnswers struct {
	n int

	sessions []string // session dictionary
	session  []int32  // per row: index into sessions

	siteBytes []byte  // site ids, concatenated
	siteOff   []int32 // per row i: siteBytes[siteOff[i]:siteOff[i+1]]

	electrode   []int64
	electrodeOK []bool // nil: no NULL
	region      []int64
	regionOK    []bool // nil: no NULL

	// when the columnar path answered: the atlas's region ids and each
	// row's position among them (-1: NULL or a region the atlas lacks)
	regionIDs []int64
	regionPos []int32

	acronyms []string // acronym dictionary (no "", no duplicates)
	acronym  []int32  // per row: index into acronyms, -1 NULL

	match    []int32 // per row: index into the m* columns, -1 unmatched
	levelsUp []int32 // per row (0 when unmatched)

	mRegion      []int64
	mAcronym     []int32 // index into acronyms, -1 NULL
	mStrength    []float64
	mExperiments []int64
}

// Len is the number of answer rows (recording sites).
func (a *SiteAnswers) Len() int { return a.n }

// Matched counts the rows matched to a matrix column.
func (a *SiteAnswers) Matched() int {
	n := 0
	for _, m := range a.match {
		if m >= 0 {
			n++
		}
	}
	return n
}

// Row returns answer row i as a SiteProjection.
func (a *SiteAnswers) Row(i int) SiteProjection {
	p := SiteProjection{Session: a.sessions[a.session[i]], Site: string(a.siteBytes[a.siteOff[i]:a.siteOff[i+1]]),
		ElectrodeID: a.electrode[i], HasElectrode: a.electrodeOK == nil || a.electrodeOK[i],
		SiteRegion: a.region[i], HasRegion: a.regionOK == nil || a.regionOK[i]}
	if k := a.acronym[i]; k >= 0 {
		p.SiteAcronym = a.acronyms[k]
	}
	if m := a.match[i]; m >= 0 {
		p.Matched, p.MatchedRegion, p.LevelsUp = true, a.mRegion[m], int(a.levelsUp[i])
		p.Strength, p.Experiments = a.mStrength[m], int(a.mExperiments[m])
		if k := a.mAcronym[m]; k >= 0 {
			p.MatchedAcronym = a.acronyms[k]
		}
	}
	return p
}

// Rows returns every answer row as a SiteProjection.
func (a *SiteAnswers) Rows() []SiteProjection {
	out := make([]SiteProjection, a.n)
	for i := range out {
		out[i] = a.Row(i)
	}
	return out
}

// SiteAnswersOf puts answer rows (the SQL statement's, or Spark's) in
// columns.
func SiteAnswersOf(rows []SiteProjection) *SiteAnswers {
	n := len(rows)
	a := &SiteAnswers{n: n, session: make([]int32, n), siteOff: make([]int32, n+1), electrode: make([]int64, n), electrodeOK: make([]bool, n),
		region: make([]int64, n), regionOK: make([]bool, n), acronym: make([]int32, n), match: make([]int32, n), levelsUp: make([]int32, n)}
	sessions, acronyms := dictionary{}, dictionary{}
	for i := range rows {
		p := &rows[i]
		a.session[i] = sessions.add(p.Session)
		a.siteBytes = append(a.siteBytes, p.Site...)
		a.siteOff[i+1] = int32(len(a.siteBytes))
		a.electrode[i], a.electrodeOK[i] = p.ElectrodeID, p.HasElectrode
		a.region[i], a.regionOK[i] = p.SiteRegion, p.HasRegion
		a.acronym[i] = acronyms.addNonEmpty(p.SiteAcronym)
		a.match[i] = -1
		if p.Matched {
			a.match[i], a.levelsUp[i] = int32(len(a.mRegion)), int32(p.LevelsUp)
			a.mRegion = append(a.mRegion, p.MatchedRegion)
			a.mAcronym = append(a.mAcronym, acronyms.addNonEmpty(p.MatchedAcronym))
			a.mStrength = append(a.mStrength, p.Strength)
			a.mExperiments = append(a.mExperiments, int64(p.Experiments))
		}
	}
	a.sessions, a.acronyms = sessions.values, acronyms.values
	return a
}

// dictionary numbers distinct strings in first-seen order.
type dictionary struct {
	index  map[string]int32
	values []string
}

func (d *dictionary) add(s string) int32 {
	if k, ok := d.index[s]; ok {
		return k
	}
	if d.index == nil {
		d.index = map[string]int32{}
	}
	k := int32(len(d.values))
	d.index[s] = k
	d.values = append(d.values, s)
	return k
}

// addNonEmpty is add, with -1 for "" (NULL).
func (d *dictionary) addNonEmpty(s string) int32 {
	if s == "" {
		return -1
	}
	return d.add(s)
}
