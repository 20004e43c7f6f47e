package python

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	sitter "github.com/smacker/go-tree-sitter"
	"github.com/smacker/go-tree-sitter/python"
)

// benchSource is a realistic ~5 KB module: docstring, __future__, stdlib
// and project imports (absolute, relative, parenthesised, TYPE_CHECKING,
// try/except), a class with methods full of self.x and os.path chains,
// importlib and mock.patch strings, and a test.
var benchSource = genSource(5 * 1024)

func genSource(size int) string {
	var b strings.Builder
	b.WriteString(`"""Order service: loads orders, prices them and talks to the payment gateway."""
from __future__ import annotations

import json
import logging
import os
import os.path
import typing
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import app.core.config
import app.payments.gateway as gateway
from app.core import db, events
from app.orders.models import (
    LineItem,
    Order,  # the aggregate root
    OrderStatus as Status,
)
from . import pricing
from ..shared.utils import chunked, retry

try:
    import ujson as fastjson
except ImportError:  # pragma: no cover
    fastjson = json

if TYPE_CHECKING:
    from app.customers.models import Customer

log = logging.getLogger(__name__)
DEFAULT_CURRENCY = os.environ.get("CURRENCY", "EUR")
PLUGINS = ["app.plugins.tax", "app.plugins.discounts"]


@dataclass
class OrderService:
    """Application service for orders."""

    session: Any
    cache: dict[str, Any] = field(default_factory=dict)

    def load_plugins(self) -> list[Any]:
        import importlib

        return [importlib.import_module(name) for name in PLUGINS]

`)
	for i := 0; b.Len() < size-700; i++ {
		fmt.Fprintf(&b, `    def process_%d(self, order: Order, customer: "Customer") -> dict[str, Any]:
        """Price order %d and persist it."""
        config = app.core.config.settings()
        path = os.path.join(config.data_dir, f"order-{order.id}.json")
        totals = defaultdict(int)
        for item in chunked(order.items, 50):
            totals[item.sku] += pricing.price(item, currency=DEFAULT_CURRENCY)
        if order.status == Status.PENDING and self.cache.get(order.id) is None:
            self.cache[order.id] = gateway.authorize(customer.account, sum(totals.values()))
            events.publish("order.priced", {"id": order.id, "total": sum(totals.values())})
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(fastjson.dumps(totals))
        log.info("priced order %%s in %%s", order.id, os.path.basename(path))
        return dict(totals)

`, i, i)
	}
	b.WriteString(`
@retry(times=3)
def refresh(session) -> None:
    db.flush(session)


class TestOrderService:
    @mock.patch("app.payments.gateway.authorize")
    def test_process(self, authorize):
        with patch("app.core.events.publish") as publish:
            OrderService(session=None).process_0(Order(), None)
        assert publish.called and authorize.called
`)
	return b.String()
}

func TestBenchSource(t *testing.T) {
	if n := len(benchSource); n < 4500 || n > 6000 {
		t.Errorf("benchSource is %d bytes, want about 5 KB", n)
	}
	res := mustExtract(t, []byte(benchSource))
	if len(res.Errors) > 0 {
		t.Errorf("benchSource does not parse cleanly: %v", res.Errors)
	}
	if len(res.Refs) < 30 {
		t.Errorf("benchSource yields only %d refs", len(res.Refs))
	}
}

// BenchmarkExtract measures Extract end to end on benchSource; compare
// with BenchmarkParseOnly to see the cost of extraction over parsing.
func BenchmarkExtract(b *testing.B) {
	src := []byte(benchSource)
	ctx := context.Background()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Extract(ctx, src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseOnly is a bare tree-sitter parse of benchSource with one
// parser, the floor under BenchmarkExtract.
func BenchmarkParseOnly(b *testing.B) {
	src := []byte(benchSource)
	ctx := context.Background()
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(python.GetLanguage())
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		tree, err := p.ParseCtx(ctx, nil, src)
		if err != nil {
			b.Fatal(err)
		}
		tree.Close()
	}
}

// BenchmarkExtractParallel measures Extract from all Ps at once (pool and
// shared query under contention).
func BenchmarkExtractParallel(b *testing.B) {
	src := []byte(benchSource)
	b.SetBytes(int64(len(src)))
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			if _, err := Extract(ctx, src); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkOverhead runs a bare parse and an Extract back to back in each
// iteration and reports how much longer Extract took, in percent
// (overhead-%). Pairing the two keeps the comparison fair on a loaded
// machine, where separate benchmarks drift apart.
func BenchmarkOverhead(b *testing.B) {
	src := []byte(benchSource)
	ctx := context.Background()
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(python.GetLanguage())
	var parse, extract time.Duration
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		t0 := time.Now()
		tree, err := p.ParseCtx(ctx, nil, src)
		if err != nil {
			b.Fatal(err)
		}
		tree.Close()
		t1 := time.Now()
		if _, err := Extract(ctx, src); err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		parse += t1.Sub(t0)
		extract += t2.Sub(t1)
	}
	b.ReportMetric(100*(float64(extract)/float64(parse)-1), "overhead-%")
	b.ReportMetric(float64(len(src))*float64(b.N)/parse.Seconds()/1e6, "parse-MB/s")
	b.ReportMetric(float64(len(src))*float64(b.N)/extract.Seconds()/1e6, "extract-MB/s")
}
