package crossmodal

import (
	"io"

	"github.com/ccc-connectivity/ccc/internal/pqflat"
)

// WriteSiteProjectionsParquet writes answer rows as Parquet (see
// SiteAnswers.WriteParquet).
func WriteSiteProjectionsParquet(w io.Writer, answers []SiteProjection) error {
	return SiteAnswersOf(answers).WriteParquet(w)
}

// WriteParquet writes the answer as Parquet (Snappy, as DuckDB by
// default), straight from its columns (internal/pqflat): the columns of
// Columns with the types the SQL statement gives (levels_up is the
// closure's INTEGER distance, experiments a count), NULL where the
// statement gives NULL. Sessions and acronyms are written as dictionary
// pages and indices, the answer's own; a column without NULL is REQUIRED.
func (a *SiteAnswers) WriteParquet(w io.Writer) error {
	n := a.n
	matched := make([]bool, n)
	mRegion, mAcr := make([]int64, n), make([]int32, n)
	strength, experiments := make([]float64, n), make([]int64, n)
	for i, m := range a.match {
		mAcr[i] = -1
		if m >= 0 {
			matched[i] = true
			mRegion[i], mAcr[i], strength[i], experiments[i] = a.mRegion[m], a.mAcronym[m], a.mStrength[m], a.mExperiments[m]
		}
	}
	return pqflat.Write(w, n, []pqflat.Column{
		{Name: "session", Type: pqflat.String, Dict: a.sessions, Index: a.session},
		{Name: "site", Type: pqflat.String, Bytes: a.siteBytes, Offsets: a.siteOff},
		{Name: "electrode_id", Type: pqflat.Int64, Int64: a.electrode, Valid: a.electrodeOK},
		{Name: "site_region", Type: pqflat.Int64, Int64: a.region, Valid: a.regionOK},
		{Name: "site_acronym", Type: pqflat.String, Dict: a.acronyms, Index: a.acronym},
		{Name: "matched_region", Type: pqflat.Int64, Int64: mRegion, Valid: matched},
		{Name: "matched_acronym", Type: pqflat.String, Dict: a.acronyms, Index: mAcr},
		{Name: "levels_up", Type: pqflat.Int32, Int32: a.levelsUp, Valid: matched},
		{Name: "strength", Type: pqflat.Double, Double: strength, Valid: matched},
		{Name: "experiments", Type: pqflat.Int64, Int64: experiments, Valid: matched},
	})
}
