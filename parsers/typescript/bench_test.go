package typescript

import (
	"context"
	"fmt"
	"strings"
	"testing"

	sitter "github.com/smacker/go-tree-sitter"

	"github.com/relayout/relayout/parsers"
)

// benchTSX returns a realistic React component module of about 5 KB:
// imports of every kind, hooks, handlers, JSX with maps and conditionals.
func benchTSX() []byte {
	var b strings.Builder
	b.WriteString(`import React, {useCallback, useEffect, useMemo, useState, type FC} from 'react';
import type {Order, OrderLine, Customer} from '@/domain/orders';
import {formatMoney, formatDate} from '@/lib/format';
import * as api from '../../api/client';
import {Button, Card, Spinner, Table} from '@acme/ui';
import styles from './OrderList.module.css';
import './OrderList.global.css';
export {OrderRow} from './OrderRow';
export type {OrderListProps} from './types';

const OrderDetails = React.lazy(() => import('./OrderDetails'));
const icons = require('../../assets/icons.json');

interface OrderListProps {
  customer: Customer;
  pageSize?: number;
  onSelect?: (order: Order) => void;
}

`)
	for i := range 4 {
		fmt.Fprintf(&b, `function total%d(lines: OrderLine[]): number {
  return lines.reduce((sum, l) => sum + l.quantity * l.unitPrice * (1 - (l.discount ?? 0)), 0);
}

`, i)
	}
	b.WriteString(`export const OrderList: FC<OrderListProps> = ({customer, pageSize = 20, onSelect}) => {
  const [orders, setOrders] = useState<Order[]>([]);
  const [loading, setLoading] = useState(false);
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    api.listOrders(customer.id, {offset: page * pageSize, limit: pageSize})
      .then((result) => { if (!cancelled) setOrders(result.items); })
      .finally(() => { if (!cancelled) setLoading(false); });
    return () => { cancelled = true; };
  }, [customer.id, page, pageSize]);

  const sorted = useMemo(() => [...orders].sort((a, b) => b.createdAt.localeCompare(a.createdAt)), [orders]);

  const select = useCallback((order: Order) => {
    setSelected(order.id);
    onSelect?.(order);
  }, [onSelect]);

  if (loading) {
    return <Spinner size="large" label="Loading orders" />;
  }

  return (
    <Card className={styles.card} title={` + "`Orders for ${customer.name}`" + `}>
      <Table className={styles.table}>
        <thead>
          <tr><th>Order</th><th>Date</th><th>Lines</th><th>Total</th><th /></tr>
        </thead>
        <tbody>
`)
	for i := range 3 {
		fmt.Fprintf(&b, `          {sorted.filter((o) => o.status === 'status-%d').map((order) => (
            <tr key={order.id} className={order.id === selected ? styles.selected : undefined}>
              <td>{order.number}</td>
              <td>{formatDate(order.createdAt, 'short')}</td>
              <td>{order.lines.length}</td>
              <td className={styles.amount}>{formatMoney(total%d(order.lines), order.currency)}</td>
              <td><Button variant="link" onClick={() => select(order)}>Details</Button></td>
            </tr>
          ))}
`, i, i)
	}
	b.WriteString(`        </tbody>
      </Table>
      <footer className={styles.footer}>
        <Button disabled={page === 0} onClick={() => setPage((p) => p - 1)}>Previous</Button>
        <span>Page {page + 1}</span>
        <Button disabled={orders.length < pageSize} onClick={() => setPage((p) => p + 1)}>Next</Button>
      </footer>
      {selected && (
        <React.Suspense fallback={<Spinner />}>
          <OrderDetails id={selected} icon={icons.details} />
        </React.Suspense>
      )}
    </Card>
  );
};

export default OrderList;
`)
	return []byte(b.String())
}

// benchTS returns a realistic service module of about 5 KB, without JSX.
func benchTS() []byte {
	var b strings.Builder
	b.WriteString(`import type {Order, OrderLine} from '@/domain/orders';
import {HttpClient, type RequestOptions} from '../http/client';
import * as metrics from '../metrics';
import {retry} from './retry';
import config = require('../config');
export * from './errors';

const logger = require('../logger').child({module: 'orders'});

export interface ListOptions extends RequestOptions {
  offset?: number;
  limit?: number;
  status?: Order['status'];
}

`)
	for i := range 6 {
		fmt.Fprintf(&b, `export async function fetchOrders%d(client: HttpClient, customerId: string, opts: ListOptions = {}): Promise<Order[]> {
  const started = Date.now();
  const query = new URLSearchParams({offset: String(opts.offset ?? 0), limit: String(opts.limit ?? 20)});
  if (opts.status) query.set('status', opts.status);
  try {
    const res = await retry(() => client.get<Order[]>(`+"`/customers/${customerId}/orders?${query}`"+`, opts), 3);
    metrics.histogram('orders.fetch.ms', Date.now() - started, {variant: '%d'});
    return res.data.map((o) => ({...o, lines: o.lines.filter((l: OrderLine) => l.quantity > 0)}));
  } catch (err) {
    logger.warn({err, customerId}, 'fetch failed');
    if (config.strict) throw err;
    return [];
  }
}

`, i, i)
	}
	b.WriteString("export const loadPlugin = (name: string) => import(`./plugins/${name}`);\n")
	return []byte(b.String())
}

var benchInputs = []struct {
	name string
	lang parsers.Lang
	src  func() []byte
	g    *grammar
}{
	{"tsx", parsers.TSX, benchTSX, tsxGrammar},
	{"typescript", parsers.TypeScript, benchTS, tsGrammar},
}

// BenchmarkExtract measures Extract per grammar; compare with
// BenchmarkParseOnly for the overhead over a bare tree-sitter parse.
func BenchmarkExtract(b *testing.B) {
	for _, in := range benchInputs {
		src := in.src()
		b.Run(in.name, func(b *testing.B) {
			ctx := context.Background()
			res, err := Extract(ctx, in.lang, src)
			if err != nil || len(res.Errors) > 0 || len(res.Refs) < 7 {
				b.Fatalf("bench input: err %v, %d refs, errors %v", err, len(res.Refs), res.Errors)
			}
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Extract(ctx, in.lang, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParseOnly is the baseline: one reused parser, parse and close
// the tree.
func BenchmarkParseOnly(b *testing.B) {
	for _, in := range benchInputs {
		src := in.src()
		b.Run(in.name, func(b *testing.B) {
			ctx := context.Background()
			p := sitter.NewParser()
			defer p.Close()
			p.SetLanguage(in.g.lang)
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				tree, err := p.ParseCtx(ctx, nil, src)
				if err != nil {
					b.Fatal(err)
				}
				tree.Close()
			}
		})
	}
}

func TestBenchInputs(t *testing.T) {
	for _, in := range benchInputs {
		src := in.src()
		if len(src) < 4500 || len(src) > 6500 {
			t.Errorf("%s bench input is %d bytes, want about 5 KB", in.name, len(src))
		}
		res := extract(t, in.lang, string(src))
		if len(res.Errors) > 0 {
			t.Errorf("%s bench input has syntax errors %v", in.name, res.Errors)
		}
	}
}
