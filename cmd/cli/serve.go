package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/relayout/relayout/server"
)

func init() {
	register(verb{name: "serve", short: "serve the Language Server Protocol on stdio", run: runServe})
}

func runServe(e *env, args []string) int {
	fs := newFlags(e, "serve", "", `Serve the Language Server Protocol over stdin/stdout. Logs go to stderr or
--logfile, never to stdout.`)
	logfile := fs.String("logfile", "", "write logs to this file instead of stderr")
	level := fs.String("log-level", "warn", "log level: debug, info, warn, error")
	_ = fs.Bool("stdio", true, "speak LSP over stdin/stdout (the only transport; accepted for clients that pass it)")
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	logger, closeLog, err := newLogger(e.stderr, *logfile, *level)
	if err != nil {
		fmt.Fprintf(e.stderr, "relayout serve: %v\n", err)
		return ExitUsage
	}
	defer closeLog()
	rwc := stdio{in: e.stdin, out: e.stdout}
	if err := server.Run(e.ctx, rwc, server.Options{Logger: logger}); err != nil {
		if errors.Is(err, context.Canceled) && e.ctx.Err() != nil {
			// Stopped by a signal: how editors end a server that does not
			// answer shutdown fast enough. Not an error.
			logger.Info("server stopped by a signal")
			return ExitOK
		}
		logger.Error("server stopped", zap.Error(err))
		return ExitFindings
	}
	return ExitOK
}

// stdio joins stdin and stdout into the stream the server speaks on.
type stdio struct {
	in  io.Reader
	out io.Writer
}

func (s stdio) Read(p []byte) (int, error)  { return s.in.Read(p) }
func (s stdio) Write(p []byte) (int, error) { return s.out.Write(p) }
func (s stdio) Close() error                { return nil }

// newLogger builds a zap logger writing JSON-free console lines to stderr
// or to logfile.
func newLogger(stderr io.Writer, logfile, level string) (*zap.Logger, func(), error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, nil, fmt.Errorf("bad --log-level: %w", err)
	}
	var sink zapcore.WriteSyncer = zapcore.AddSync(stderr)
	closer := func() {}
	if logfile != "" {
		f, err := os.OpenFile(logfile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return nil, nil, fmt.Errorf("open log file: %w", err)
		}
		sink = zapcore.AddSync(f)
		closer = func() { _ = f.Close() }
	}
	enc := zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig())
	core := zapcore.NewCore(enc, zapcore.Lock(sink), lvl)
	return zap.New(core).Named("relayout"), closer, nil
}
