package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ccc-connectivity/ccc/atlas"
	"github.com/ccc-connectivity/ccc/internal/progress"
	"github.com/ccc-connectivity/ccc/store"
)

func init() {
	atlasSubcommands = append(atlasSubcommands, newCmdAtlasVolume, newCmdAtlasDownload)
}

// ---- volume add

type atlasVolumeAddOptions struct {
	IO         *IO
	Global     *globalOptions
	Atlas      string
	File       string
	Resolution float64
	AnyDims    bool
	MaxBytes   string
	External   bool
}

func newCmdAtlasVolume(io *IO, g *globalOptions) *cobra.Command {
	cmd := &cobra.Command{Use: "volume", Short: "Manage annotation volumes of an atlas"}
	opts := &atlasVolumeAddOptions{IO: io, Global: g}
	add := &cobra.Command{
		Use:   "add [--atlas A] FILE",
		Short: "Store an annotation volume (NRRD .nrrd/.nhdr or MetaImage .mhd/.mha), validated against the atlas's ontology",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.File = args[0]
			return runAtlasVolumeAdd(c.Context(), opts)
		},
	}
	f := add.Flags()
	f.StringVar(&opts.Atlas, "atlas", "", "atlas name (default: the only atlas loaded)")
	f.Float64Var(&opts.Resolution, "resolution", 0, "voxel size in um when the file does not say")
	f.BoolVar(&opts.AnyDims, "any-dims", false, "accept dimensions other than the CCF v3 ones at 10/25/50/100 um")
	addWaitFlag(add)
	f.StringVar(&opts.MaxBytes, "max-bytes", "", "refuse a file whose samples need more memory than this (e.g. 16GiB; default: the machine's memory)")
	f.BoolVar(&opts.External, "allow-external-data", false, "let a .nhdr/.mhd header name a data file outside its own directory")
	cmd.AddCommand(add)
	return cmd
}

func runAtlasVolumeAdd(ctx context.Context, opts *atlasVolumeAddOptions) error {
	ro := atlas.VolumeReadOptions{AllowExternalData: opts.External}
	if opts.MaxBytes != "" {
		n, err := parseByteFlag("--max-bytes", opts.MaxBytes)
		if err != nil {
			return err
		}
		ro.MaxBytes = n
	}
	return addVolumeWith(ctx, opts.IO, opts.Global, opts.Atlas, opts.File, "", opts.Resolution, opts.AnyDims, false, nil, ro)
}

// addVolume reads, validates and stores one annotation volume.
func addVolume(ctx context.Context, io *IO, g *globalOptions, atlasName, file, uri string, res float64, anyDims, wait bool, params map[string]any) error {
	return addVolumeWith(ctx, io, g, atlasName, file, uri, res, anyDims, wait, params, atlas.VolumeReadOptions{})
}

// addVolumeWith is addVolume with bounds on reading the file.
func addVolumeWith(ctx context.Context, io *IO, g *globalOptions, atlasName, file, uri string, res float64, anyDims, wait bool, params map[string]any, ro atlas.VolumeReadOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	st, err := store.Open(g.StorePath(io))
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := atlas.Open(st, store.Ref{}, atlasName)
	if err != nil {
		return err
	}
	v, err := atlas.ReadVolumeOptions(file, res, ro)
	if err != nil {
		return err
	}
	if params == nil {
		params = map[string]any{}
	}
	params["command"] = "atlas volume add"
	abs, _ := filepath.Abs(file)
	ver, err := atlas.SaveVolume(ctx, st, a, v, atlas.VolumeSaveOptions{Source: abs, SourceURI: uri, Params: params, SkipCCF: anyDims, Wait: wait})
	if err != nil {
		return err
	}
	if !g.Quiet {
		fmt.Fprintf(io.ErrOut, "added annotation volume %s to atlas %s: %d x %d x %d voxels (AP x DV x ML) at %g um (store version %d)\n",
			atlas.VolumeArtifact(v.Resolution()), a.Name, v.Dims[0], v.Dims[1], v.Dims[2], v.Resolution(), ver.Number)
	}
	return nil
}

// ---- download

type atlasDownloadOptions struct {
	IO         *IO
	Global     *globalOptions
	Atlas      string
	Resolution int
	URL        string
	SHA256     string
	Keep       string
	Retries    int
	Net        downloadFlags
}

func newCmdAtlasDownload(io *IO, g *globalOptions) *cobra.Command {
	opts := &atlasDownloadOptions{IO: io, Global: g}
	cmd := &cobra.Command{
		Use:   "download --resolution 10|25|50|100",
		Short: "Download the Allen CCF 2017 annotation volume and store it with the atlas",
		Long: `Download annotation_<res>.nrrd of the Allen CCF v3 (2017) from the Allen
Institute download server (` + atlas.AllenAnnotationBase + `),
validate it against the atlas's ontology and store it. The SHA-256 of the
download and the final URL (after redirects) are recorded in the store version.
The download is checked against --sha256, or else against the checksum ccc knows
for the official file (10 and 25 um: atlas.KnownSHA256). Downloads use https, time
out when the server stalls, are capped in size (--max-bytes) and follow redirects
only to the same host (--allow-host adds others); a partial file is removed.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runAtlasDownload(c.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Atlas, "atlas", "", "atlas name (default: the only atlas loaded)")
	f.IntVar(&opts.Resolution, "resolution", 25, "voxel size in um: 10, 25, 50 or 100")
	f.StringVar(&opts.URL, "url", "", "download from this URL instead of the Allen server")
	f.StringVar(&opts.SHA256, "sha256", "", "expected SHA-256 of the file")
	f.StringVar(&opts.Keep, "keep", "", "also keep the downloaded file here")
	f.IntVar(&opts.Retries, "retries", 3, "retries on network errors")
	addWaitFlag(cmd)
	opts.Net.register(f)
	return cmd
}

func runAtlasDownload(ctx context.Context, opts *atlasDownloadOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM) // removes the partial file
	defer stop()
	pol, err := opts.Net.policy()
	if err != nil {
		return err
	}
	url := opts.URL
	if url == "" {
		u, err := atlas.AnnotationURL(opts.Resolution)
		if err != nil {
			return err
		}
		url = u
	}
	// fail early, before the download, when there is no atlas to attach to
	st, err := store.Open(opts.Global.StorePath(opts.IO))
	if err != nil {
		return err
	}
	_, err = atlas.Open(st, store.Ref{}, opts.Atlas)
	st.Close()
	if err != nil {
		return err
	}
	dest := opts.Keep
	if dest == "" {
		tmp, err := os.MkdirTemp("", "ccc-download-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dest = filepath.Join(tmp, "annotation_"+strconv.Itoa(opts.Resolution)+".nrrd")
	}
	bar := progress.New(opts.IO.ErrOut, "download "+filepath.Base(url), "B", 0, opts.Global.Quiet)
	retries := opts.Retries
	if retries == 0 {
		retries = -1 // none
	}
	got, err := atlas.Download(ctx, url, dest, atlas.DownloadOptions{Policy: pol, Retries: retries, SHA256: opts.SHA256, Bar: bar})
	bar.Finish()
	if err != nil {
		return err
	}
	if !opts.Global.Quiet {
		fmt.Fprintf(opts.IO.ErrOut, "downloaded %s: %s bytes, sha256 %s\n", got.FinalURL, progress.Human(got.Bytes), got.SHA256)
	}
	// how the bytes were checked, kept in the version next to the hash
	verified := "none"
	switch {
	case opts.SHA256 != "":
		verified = "--sha256"
	case atlas.KnownSHA256[url] != "":
		verified = "built-in"
	default:
		fmt.Fprintf(opts.IO.ErrOut, "warning: no known SHA-256 for %s: the download was not checked against one; verify sha256 %s and pass it with --sha256 next time\n", url, got.SHA256)
	}
	prov := map[string]any{"url": got.FinalURL, "sha256": got.SHA256, "sha256_checked": verified, "bytes": got.Bytes, "resolution_um": opts.Resolution}
	if got.FinalURL != url {
		prov["requested_url"] = url
	}
	res := float64(opts.Resolution)
	if opts.URL != "" {
		res = 0 // trust the file's header for other sources
	}
	return addVolume(ctx, opts.IO, opts.Global, opts.Atlas, dest, got.FinalURL, res, false, false, prov)
}

// parseByteFlag parses a byte count flag: bytes, or a number with KB, MB,
// GB, TB (or KiB ... TiB; all powers of 1024).
func parseByteFlag(flag, s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if k := strings.IndexAny(t, "KMGT"); k >= 0 && k == len(t)-1 {
		mult = int64(1) << (10 * (1 + strings.IndexByte("KMGT", t[k])))
		t = strings.TrimSpace(t[:k])
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || f <= 0 || f*float64(mult) > 1<<62 {
		return 0, usageErr("%s %q is not a byte count (e.g. 16GiB, 512MB)", flag, s)
	}
	return int64(f * float64(mult)), nil
}
