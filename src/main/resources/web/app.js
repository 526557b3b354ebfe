// ShopFlow dashboard: signs in with an API token, runs the reports of /api/reports for each panel,
// and runs them again whenever the server says the data changed (server-sent events).
'use strict';

(() => {
  const TOKEN_KEY = 'shopflow.token';
  // Numbers in the shop's currency (GET /api/shop: its orders') and that currency's home locale:
  // a UK shop reads £1,234.50 and 12 Jun, whatever the browser's own language.
  const LOCALES = { GBP: 'en-GB', EUR: 'en-IE', USD: 'en-US', CAD: 'en-CA', AUD: 'en-AU', NZD: 'en-NZ' };
  let locale;
  let moneyFull;
  let moneyRound;
  let moneyAxis;
  let count;
  let oneDecimal;
  let twoDecimals;
  let shortMoment;
  let shortDay;
  function useShopFormats(currency) {
    locale = LOCALES[currency] || 'en-GB';
    moneyFull = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyRound = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 });
    // axis labels: £300K, £1.5M (full figures, as £1,500,000, do not fit beside a chart)
    moneyAxis = new Intl.NumberFormat(locale, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 });
    count = new Intl.NumberFormat(locale);
    oneDecimal = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    twoDecimals = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    shortMoment = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
    shortDay = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' });
    document.documentElement.lang = locale;
    const note = document.getElementById('currency-note');
    if (note) note.textContent = 'Numbers in ' + currency;
  }
  useShopFormats('GBP');
  const COLORS = ['#3457d5', '#1a8f5a', '#e08a1e', '#8a4fd1', '#d0455b', '#2a9fb8', '#7a8599', '#b7a21f'];

  const $ = (selector) => document.querySelector(selector);
  const percent = (value) => (value == null ? '—' : oneDecimal.format(value) + '%');
  const money = (value) => (value == null ? '—' : moneyFull.format(value));
  // A product panel's caption: what it measures and its window (the reports' window_start and
  // window_end columns; the window is the last 30 shop days to as_of unless the report is asked otherwise).
  const windowCaption = (report, measure, rows) => {
    const caption = document.querySelector(`[data-report="${report}"] h2 .muted`);
    if (!caption) return;
    const range = rows.length === 0 ? 'last 30 days'
      : `${shortDay.format(new Date(rows[0].window_start))} – ${shortMoment.format(new Date(rows[0].window_end))}`;
    caption.textContent = `${measure}, ${range}`;
  };

  let token = sessionStorage.getItem(TOKEN_KEY);
  let catalog = {};
  let shop = { missing: [] }; // GET /api/shop: what the shop's data holds
  const charts = {};
  let loading = false;
  let again = false;
  /** What the pending run reloads: undefined nothing yet, null every panel, or a Set of report names. */
  let againPanels;
  /** The moment the pending run reads as of, when a change notice named one (its as_of). */
  let againAsOf = null;
  let loads = 0;
  let events = null;
  let reconnectDelay = 1000;
  let reconnectTimer = null;

  class SignedOut extends Error {}

  // ---------------------------------------------------------------- API

  async function api(path, params = {}) {
    const url = new URL(path, window.location.origin);
    Object.entries(params).forEach(([name, value]) => {
      if (value !== null && value !== undefined && value !== '') url.searchParams.set(name, value);
    });
    let response = null;
    // The server runs a few reports per token at once (429) and may be busy (503): the panels of a
    // dashboard, or two tabs on one token, wait as long as its Retry-After says and ask again.
    for (let attempt = 1; ; attempt++) {
      response = await fetch(url, { headers: { Authorization: 'Bearer ' + token, Accept: 'application/json' } });
      if ((response.status !== 429 && response.status !== 503) || attempt === 5) break;
      const seconds = Number(response.headers.get('Retry-After')) || 1;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000 * (0.5 + Math.random())));
    }
    let body = null;
    try {
      body = await response.json();
    } catch (notJson) {
      // an error page from a proxy, say: the status says enough
    }
    if (response.status === 401) throw new SignedOut(body && body.error ? body.error : 'Please sign in.');
    if (!response.ok) throw new Error(body && body.error ? body.error : 'HTTP ' + response.status);
    return body;
  }

  // ---------------------------------------------------------------- filters

  // The filter bar (docs/filters.md): its values are in the URL's query string, so a reload or a
  // link shows the same view; each panel applies those its report takes and says which it cannot.
  const FILTERS = ['channel', 'device', 'customer', 'coupon', 'country', 'region', 'category'];

  function filterValues() {
    const form = $('#filters');
    const values = {};
    FILTERS.forEach((name) => {
      const value = form.elements[name].value.trim();
      if (value !== '') values[name] = value;
    });
    return values;
  }

  function filtersFromUrl() {
    const query = new URLSearchParams(window.location.search);
    FILTERS.forEach((name) => { $('#filters').elements[name].value = query.get(name) || ''; });
  }

  function filtersToUrl() {
    const url = new URL(window.location.href);
    const values = filterValues();
    FILTERS.forEach((name) => {
      if (values[name]) url.searchParams.set(name, values[name]);
      else url.searchParams.delete(name);
    });
    window.history.replaceState(null, '', url);
  }

  /**
   * The filters a panel's report takes, and those set that it does not: by name, or by name and value
   * where the report takes the filter but not that value (the funnel's sessions have no `unknown`
   * channel), which the API would refuse.
   */
  function filtersFor(report) {
    const taken = new Map(report ? report.parameters.map((p) => [p.name, p]) : []);
    const applied = {};
    const ignored = [];
    Object.entries(filterValues()).forEach(([name, value]) => {
      const parameter = taken.get(name);
      if (!parameter) ignored.push(name);
      else if (parameter.allowed && parameter.allowed.length > 0 && !parameter.allowed.includes(value)) {
        ignored.push(name + ' ' + value);
      } else applied[name] = value;
    });
    return { applied, ignored };
  }

  /** Says on the panel which filters apply to it and which it cannot take. */
  function showFilters(section, { applied, ignored }) {
    section.dataset.filters = Object.keys(applied).join(' ');
    let note = section.querySelector(':scope > .filter-note');
    if (!note) {
      note = document.createElement('p');
      note.className = 'filter-note muted';
      section.appendChild(note);
    }
    note.textContent = ignored.length === 0 ? ''
      : 'Not filtered by ' + ignored.join(', ') + ': this panel does not take ' + (ignored.length === 1 ? 'it' : 'them') + '.';
    note.hidden = ignored.length === 0;
  }

  // ---------------------------------------------------------------- sign-in

  function showSignIn(message) {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    closeEvents();
    drill = null;
    $('#drill').hidden = true;
    $('#dashboard').hidden = true;
    $('#signin').hidden = false;
    const error = $('#signin-error');
    error.textContent = message || '';
    error.hidden = !message;
    $('#token').focus();
  }

  async function signIn(candidate) {
    const tried = candidate.trim();
    token = tried;
    try {
      const me = await api('/api/me');
      if (token !== tried) return; // signed out (or in again) meanwhile
      sessionStorage.setItem(TOKEN_KEY, token);
      await showDashboard(me);
    } catch (e) {
      showSignIn(e instanceof SignedOut ? 'That token does not work: ' + e.message : 'Cannot reach the server: ' + e.message);
    }
  }

  async function showDashboard(me) {
    $('#signin').hidden = true;
    $('#dashboard').hidden = false;
    $('#role').textContent = me.role;
    const list = await api('/api/reports');
    catalog = Object.fromEntries(list.reports.map((report) => [report.name, report]));
    filtersFromUrl();
    await openAsOfTheShop();
    await loadAll();
    connectEvents();
  }

  // ---------------------------------------------------------------- panels

  function setState(section, state, message) {
    section.dataset.state = state;
    section.querySelector('.panel-message').textContent = message || '';
  }

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: 'canvas' });
    return charts[id];
  }

  /** A table of rows; with onRowClick, each row opens what is behind it (a drill-down). */
  function table(containerId, columns, rows, limit, onRowClick) {
    const container = document.getElementById(containerId);
    const shown = rows.slice(0, limit);
    const element = document.createElement('table');
    const head = element.createTHead().insertRow();
    columns.forEach((column) => {
      const th = document.createElement('th');
      th.textContent = column.label;
      if (column.numeric) th.className = 'num';
      head.appendChild(th);
    });
    const body = element.createTBody();
    shown.forEach((row) => {
      const tr = body.insertRow();
      if (onRowClick) {
        tr.className = 'clickable';
        tr.tabIndex = 0;
        tr.addEventListener('click', () => onRowClick(row));
        tr.addEventListener('keydown', (event) => { if (event.key === 'Enter') onRowClick(row); });
      }
      columns.forEach((column) => {
        const td = tr.insertCell();
        const value = column.value(row);
        if (value instanceof Node) td.appendChild(value); else td.textContent = value == null ? '—' : value;
        td.className = column.numeric ? 'num' : (column.wrap ? 'wrap' : '');
      });
    });
    container.replaceChildren(element);
    if (rows.length > shown.length) {
      const more = document.createElement('p');
      more.className = 'muted';
      more.textContent = '+ ' + count.format(rows.length - shown.length) + ' more (the full list: the API or shopflow report)';
      container.appendChild(more);
    }
  }

  function pill(text, className) {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    return span;
  }

  // revenue_summary's periods and what each is compared with (its compare_* columns)
  const COMPARED_WITH = {
    today: 'same day last week',
    last_7_days: 'the 7 days before',
    month_to_date: 'same days last month',
    year_to_date: 'same days last year',
  };

  const dayLabel = (iso) => new Date(iso + 'T00:00:00').toLocaleDateString(locale, { day: 'numeric', month: 'short' });
  const monthLabel = (iso) => new Date(iso + 'T00:00:00').toLocaleDateString(locale, { month: 'short', year: 'numeric' });

  const PANELS = [
    {
      // not a report: the alerts raised (GET /api/alerts), newest window first; as of a past
      // moment, the ones whose window had ended by then
      report: 'alerts',
      source: async (asOf) => {
        const { alerts } = await api('/api/alerts', { limit: 200 });
        const until = asOf ? new Date(asOf) : null;
        return alerts.filter((a) => !until || new Date(a.window_end) <= until).slice(0, 20);
      },
      empty: 'No anomaly: every KPI is within its usual range for the hour and the day.',
      render(rows) {
        table('table-alerts', [
          { label: 'Severity', value: (r) => pill(r.severity, 'risk ' + (r.severity === 'critical' ? 'high' : 'medium')) },
          { label: 'Window', value: (r) => new Date(r.window_start).toLocaleString(locale, r.grain === 'hour'
            ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }) },
          { label: 'What happened', value: (r) => r.message, wrap: true },
        ], rows, 20);
      },
    },
    {
      report: 'revenue_summary',
      // one row per period; every tile shows net sales (docs/reports.md#the-sales-model) and its
      // like-for-like comparison
      render(rows, section) {
        const byPeriod = Object.fromEntries(rows.map((r) => [r.period, r]));
        Object.entries(COMPARED_WITH).forEach(([period, against]) => {
          const row = byPeriod[period];
          section.querySelector(`[data-kpi="${period}"]`).textContent = money(row.net_sales);
          const growth = section.querySelector(`[data-kpi-growth="${period}"]`);
          const value = row.net_sales_growth_pct;
          growth.textContent = value == null
            ? 'no net sales ' + against + ' to compare with'
            : (value > 0 ? '▲ +' : value < 0 ? '▼ ' : '') + oneDecimal.format(value) + ' % vs ' + against;
          growth.className = 'tile-growth' + (value > 0 ? ' up' : value < 0 ? ' down' : '');
          growth.title = 'net sales ' + money(row.compare_net_sales) + ', ' + count.format(row.compare_orders) + ' orders';
        });
        summaryShown = true;
        drawSparklines();
      },
    },
    {
      // kpi_tiles' measures for the month to date against the same days last month, and kpi_days'
      // last 14 days of each for the sparklines (docs/reports.md#the-tiles); net sales is the
      // headline tile above. Both take kpi_tiles' filters (the same order filters).
      report: 'kpi_tiles',
      filtered: true,
      source: async (asOf, filters) => {
        const [tiles, days] = await Promise.all([
          api('/api/reports/kpi_tiles', { period: 'month_to_date', ...filters, as_of: asOf }),
          api('/api/reports/kpi_days', { days: SPARK_DAYS, ...filters, as_of: asOf }),
        ]);
        kpiDays = days.rows;
        return tiles.rows;
      },
      render(rows, section) {
        rows.forEach((row) => {
          const tile = section.querySelector(`.tile[data-measure="${row.measure}"]`);
          if (!tile) return; // net sales: the headline tile
          tile.querySelector('[data-kpi]').textContent = measureValue(row.measure, row.value);
          const change = tile.querySelector('[data-kpi-change]');
          const value = row.change == null ? null : Number(row.change);
          const unit = row.change_unit === 'pt' ? ' pt' : ' %';
          // the conversion rate under a filter sessions do not have: the report says why it is null
          tile.dataset.note = row.note || '';
          change.textContent = row.note ? row.note.charAt(0).toUpperCase() + row.note.slice(1) + '.'
            : value == null
            ? 'nothing ' + COMPARED_WITH.month_to_date + ' to compare with'
            : (value > 0 ? '▲ +' : value < 0 ? '▼ ' : '') + (row.change_unit === 'pt' ? twoDecimals : oneDecimal).format(value)
              + unit + ' vs ' + COMPARED_WITH.month_to_date;
          // more returns is worse
          const better = row.measure === 'returns_rate' ? value < 0 : value > 0;
          const worse = row.measure === 'returns_rate' ? value > 0 : value < 0;
          change.className = 'tile-growth' + (value == null || value === 0 ? '' : better ? ' up' : worse ? ' down' : '');
          change.title = COMPARED_WITH.month_to_date + ': ' + measureValue(row.measure, row.compare_value)
            + (row.unit !== '%' || row.compare_denominator == null ? ''
              : ' (' + count.format(row.compare_numerator) + ' of ' + count.format(row.compare_denominator) + ')');
          const inside = inPeriod('month_to_date', kpiDays);
          drawSpark(tile, kpiDays.map((d) => (d[row.measure] == null ? null : Number(d[row.measure]))), inside,
            kpiDays.map((d) => d.day), MEASURE_NAMES[row.measure] + ' by day, the last ' + kpiDays.length
              + ' days (this month in colour)');
        });
      },
    },
    {
      report: 'daily_revenue',
      params: { days: 30 },
      render(rows) {
        dailyRows = rows;
        drawDaily();
        drawSparklines();
      },
    },
    {
      report: 'conversion_funnel',
      params: { days: 30 },
      needs: 'clickstream',
      render(rows) {
        // on a phone the label's figures go under its name: on one line they ran off the chart
        const narrow = document.getElementById('chart-funnel').clientWidth < 520;
        chart('chart-funnel').setOption({
          color: COLORS,
          tooltip: { trigger: 'item', formatter: (p) => p.name + ': ' + count.format(p.value) + ' sessions' },
          series: [{
            // labels beside the funnel: inside, the narrow last stages cannot hold them
            type: 'funnel', sort: 'none', left: '2%', width: narrow ? '44%' : '52%', top: 10, bottom: 10, gap: 2,
            labelLine: { show: true, length: narrow ? 8 : 12 },
            label: {
              position: 'right', color: '#1f2937', fontWeight: 600, lineHeight: 15,
              formatter: (p) => p.name + (narrow ? '\n' : '  ') + count.format(p.value) + '  ('
                + percent(rows[p.dataIndex].pct_of_top) + ')',
            },
            data: rows.map((r) => ({ name: r.stage, value: r.sessions })),
          }],
        }, true);
      },
    },
    {
      report: 'rfm_segments',
      render(rows) {
        const sorted = [...rows].sort((a, b) => a.customers - b.customers);
        chart('chart-rfm').setOption({
          color: COLORS,
          grid: { left: 130, right: 30, top: 10, bottom: 30 },
          tooltip: {
            trigger: 'axis', axisPointer: { type: 'shadow' },
            formatter: (items) => {
              const r = sorted[items[0].dataIndex];
              return `${r.segment}<br>${count.format(r.customers)} customers<br>average net sales ${money(r.avg_net_sales)}`
                + `<br>${r.avg_orders} orders, last ${r.avg_days_since_order} days ago`;
            },
          },
          xAxis: { type: 'value' },
          yAxis: { type: 'category', data: sorted.map((r) => r.segment) },
          series: [{ type: 'bar', data: sorted.map((r) => r.customers), itemStyle: { borderRadius: [0, 3, 3, 0] } }],
        }, true);
        onChartClick('chart-rfm', (p) => openDrill('segment_customers', 'Customers · ' + sorted[p.dataIndex].segment,
          { segment: sorted[p.dataIndex].segment }));
      },
    },
    {
      report: 'retention_cohorts',
      render(rows) {
        const months = Array.from({ length: 12 }, (_, i) => 'M' + (i + 1));
        const RETENTION_IN_PROGRESS = { borderColor: '#e08a1e', borderWidth: 2, borderType: 'dashed' };
        const cohorts = rows.map((r) => monthLabel(r.cohort_month) + ' (' + count.format(r.customers) + ')');
        const cells = [];
        let max = 0;
        rows.forEach((r, y) => months.forEach((_, x) => {
          const value = r['month_' + (x + 1) + '_pct'];
          if (value != null) {
            // the cell of as_of's month is not complete: outlined and in italics, not a final share
            const inProgress = r.month_in_progress === x + 1;
            cells.push(inProgress
              ? { value: [x, y, Number(value)], inProgress, itemStyle: RETENTION_IN_PROGRESS, label: { fontStyle: 'italic' } }
              : [x, y, Number(value)]);
            max = Math.max(max, Number(value));
          }
        }));
        chart('chart-retention').setOption({
          tooltip: {
            formatter: (p) => cohorts[p.value[1]] + ', month ' + (p.value[0] + 1) + ': ' + percent(p.value[2])
              + (p.data.inProgress ? ' so far (month in progress)' : ''),
          },
          graphic: [{
            type: 'text', right: 20, bottom: 8,
            style: { text: 'outlined: month in progress', fill: RETENTION_IN_PROGRESS.borderColor, fontStyle: 'italic' },
          }],
          grid: { left: 130, right: 20, top: 10, bottom: 60 },
          xAxis: { type: 'category', data: months, splitArea: { show: true } },
          yAxis: { type: 'category', data: cohorts, inverse: true },
          visualMap: {
            min: 0, max: Math.max(max, 1), calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
            inRange: { color: ['#eef2fd', '#3457d5'] }, formatter: (v) => oneDecimal.format(v) + '%',
          },
          series: [{ type: 'heatmap', data: cells, label: { show: true, formatter: (p) => oneDecimal.format(p.value[2]) } }],
        }, true);
      },
    },
    {
      report: 'category_sales',
      render(rows) {
        const top = rows.filter((r) => r.level === 1).sort((a, b) => b.net_sales - a.net_sales);
        windowCaption('category_sales', 'top-level, net sales', rows);
        chart('chart-categories').setOption({
          color: [COLORS[1]],
          grid: { left: 10, right: 20, top: 30, bottom: 10, containLabel: true }, // rotated names stay inside
          tooltip: {
            trigger: 'axis', axisPointer: { type: 'shadow' },
            formatter: (items) => {
              const r = top[items[0].dataIndex];
              return `${r.category}<br>Net sales ${money(r.net_sales)}<br>Gross sales ${money(r.gross_sales)},`
                + ` discounts ${money(r.discounts)}, returns ${money(r.returns)}<br>`
                + `${count.format(r.units)} units, margin ${percent(r.margin_pct)}`;
            },
          },
          xAxis: { type: 'category', data: top.map((r) => r.category), axisLabel: { rotate: 30 } },
          yAxis: { type: 'value', name: 'Net sales', axisLabel: { formatter: (v) => moneyAxis.format(v) } },
          series: [{ type: 'bar', name: 'Net sales', data: top.map((r) => Number(r.net_sales)),
            itemStyle: { borderRadius: [3, 3, 0, 0] } }],
        }, true);
        // a category to its products, and a product of them to its orders
        onChartClick('chart-categories', (p) => openDrill('category_products', 'Products · ' + top[p.dataIndex].category,
          { category_id: top[p.dataIndex].category_id }, [], openProduct));
      },
    },
    {
      report: 'top_products',
      params: { limit: 10 },
      render(rows) {
        windowCaption('top_products', 'by net sales', rows);
        table('table-products', [
          { label: '#', value: (r) => r.net_sales_rank, numeric: true },
          { label: 'Product', value: (r) => r.product_name, wrap: true },
          { label: 'Category', value: (r) => r.category },
          { label: 'Units (net)', value: (r) => count.format(r.units), numeric: true },
          { label: 'Net sales', value: (r) => money(r.net_sales), numeric: true },
          { label: 'Returns', value: (r) => money(r.returns), numeric: true },
          { label: 'Margin', value: (r) => percent(r.margin_pct), numeric: true },
        ], rows, 10, openProduct);
      },
    },
    {
      report: 'market_basket',
      params: { limit: 10 },
      empty: 'No pair of products was bought together often enough in the window.',
      render(rows) {
        windowCaption('market_basket', 'pairs with at least 20 orders together, by lift', rows);
        table('table-basket', [
          { label: 'Product A', value: (r) => r.product_1, wrap: true },
          { label: 'Product B', value: (r) => r.product_2, wrap: true },
          { label: 'Orders', value: (r) => count.format(r.orders_together), numeric: true },
          { label: 'Support', value: (r) => percent(r.support_pct), numeric: true },
          { label: 'A→B', value: (r) => percent(r.confidence_1_to_2_pct), numeric: true },
          { label: 'B→A', value: (r) => percent(r.confidence_2_to_1_pct), numeric: true },
          { label: 'Lift', value: (r) => Number(r.lift).toFixed(2), numeric: true },
        ], rows, 10, (r) => openDrill('product_partners', 'Bought with ' + r.product_1, { product_id: r.product_1_id },
          [{ label: 'Its orders', name: 'product_orders', title: 'Orders with ' + r.product_1 }]));
      },
    },
    {
      report: 'low_stock',
      params: { show: 'low', limit: 50 },
      needs: 'stock',
      empty: 'No product is low on stock.',
      render(rows) {
        table('table-stock', [
          { label: 'Status', value: (r) => pill(r.status, 'status ' + (r.status === 'REORDER NOW' ? 'reorder' : r.status === 'OK' ? 'ok' : 'low')) },
          { label: 'Product', value: (r) => r.product_name, wrap: true },
          { label: 'Warehouse', value: (r) => r.warehouse },
          { label: 'Stock', value: (r) => count.format(r.stock), numeric: true },
          // units a day over the days the row had stock (a stock-out does not lower it); none: nothing to size from
          { label: 'Per day in stock', value: (r) => (r.daily_velocity == null ? '—' : Number(r.daily_velocity).toFixed(2)), numeric: true },
          { label: 'Days left', value: (r) => (r.days_of_stock == null ? '—' : oneDecimal.format(r.days_of_stock)), numeric: true },
          { label: 'Reorder', value: (r) => (r.suggested_reorder_qty == null ? '—' : count.format(r.suggested_reorder_qty)), numeric: true },
        ], rows, 50, (r) => openDrill('stock_movements', 'Stock movements · ' + r.product_name + ', ' + r.warehouse,
          { sku: r.sku, warehouse: r.warehouse }));
      },
    },
    {
      report: 'shop_vitals',
      render(rows) {
        // a value with its unit, and the band as "35–70" (an open end as "≤ 3" or "≥ 100")
        const withUnit = (value, unit) => (value == null ? null
          : unit === 'GBP' ? money(value) : unit === '%' ? value + ' %' : String(value));
        const band = (r) => (r.band_low == null ? '≤ ' + withUnit(r.band_high, r.unit)
          : r.band_high == null ? '≥ ' + withUnit(r.band_low, r.unit)
            : withUnit(r.band_low, r.unit) + '–' + withUnit(r.band_high, r.unit));
        table('table-vitals', [
          { label: 'Vital sign', value: (r) => r.vital_sign.replaceAll('_', ' ') },
          { label: 'Shop', value: (r) => withUnit(r.value, r.unit), numeric: true },
          { label: 'Typical', value: band, numeric: true },
          { label: '', value: (r) => (r.in_band == null ? null
            : pill(r.in_band ? 'in band' : 'outside', 'status ' + (r.in_band ? 'ok' : 'low'))) },
        ], rows, 30);
      },
    },
    {
      report: 'fraud_review',
      params: { limit: 50 },
      empty: 'Nothing to review.',
      render(rows) {
        table('table-fraud', [
          { label: 'Risk', value: (r) => pill(String(r.risk_score), 'risk ' + (r.risk_score >= 60 ? 'high' : r.risk_score >= 30 ? 'medium' : '')), numeric: true },
          { label: 'Order', value: (r) => r.order_number },
          { label: 'Customer', value: (r) => r.customer_id, numeric: true },
          { label: 'Placed', value: (r) => new Date(r.created_at).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }) },
          { label: 'Status', value: (r) => r.status },
          { label: 'Total sales', value: (r) => money(r.total_sales), numeric: true },
          { label: 'Why', value: (r) => r.reasons, wrap: true },
        ], rows, 50, (r) => openDrill('customer_orders', 'Order history · customer ' + r.customer_id,
          { customer_id: r.customer_id }));
      },
    },
  ];

  // ---------------------------------------------------------------- the daily chart and its forecast

  let dailyRows = [];
  let forecast = null; // GET /api/forecast of the moment shown, or null

  /** Net sales by day, and the forecast's next days after them: a dashed line in its 80 % band. */
  function drawDaily() {
    const rows = dailyRows;
    const lastDay = rows.length ? rows[rows.length - 1].day : null;
    const ahead = forecast && lastDay ? forecast.days.filter((f) => f.day > lastDay).slice(0, 7) : [];
    const pad = (values) => values.concat(ahead.map(() => null));
    const before = rows.map(() => null);
    // the day not over yet (as_of's) in a lighter bar
    const bar = (r) => ({ value: Number(r.net_sales), itemStyle: r.complete ? {} : { opacity: 0.45 } });
    chart('chart-daily').setOption({
      color: COLORS,
      grid: { left: 10, right: 10, top: 30, bottom: 10, containLabel: true },
      tooltip: {
        trigger: 'axis',
        formatter: (items) => {
          const i = items[0].dataIndex;
          if (i >= rows.length) {
            const f = ahead[i - rows.length];
            return items[0].axisValue + ' (forecast)<br>' + moneyFull.format(f.expected) + ', 80 % between '
              + moneyRound.format(f.low) + ' and ' + moneyRound.format(f.high);
          }
          return items[0].axisValue + (rows[i].complete ? '' : ' (so far)') + '<br>'
            + items.filter((item) => item.seriesIndex < 2).map((item) => item.marker + item.seriesName + ': '
              + (item.seriesIndex === 0 ? moneyFull.format(item.value) : count.format(item.value))).join('<br>');
        },
      },
      legend: { data: ['Net sales', 'Orders placed', 'Forecast'], top: 0, right: 0 },
      xAxis: { type: 'category', data: rows.map((r) => dayLabel(r.day)).concat(ahead.map((f) => dayLabel(f.day))) },
      yAxis: [
        { type: 'value', axisLabel: { formatter: (v) => moneyAxis.format(v) } },
        { type: 'value', minInterval: 1, splitLine: { show: false } },
      ],
      series: [
        { name: 'Net sales', type: 'bar', data: pad(rows.map(bar)), itemStyle: { borderRadius: [3, 3, 0, 0] } },
        { name: 'Orders placed', type: 'line', yAxisIndex: 1, symbol: 'none', data: pad(rows.map((r) => r.orders)) },
        { name: 'Forecast', type: 'line', symbol: 'none', color: COLORS[2], lineStyle: { type: 'dashed' },
          data: before.concat(ahead.map((f) => f.expected)) },
        { name: 'band-low', type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 },
          data: before.concat(ahead.map((f) => f.low)), tooltip: { show: false } },
        { name: 'band', type: 'line', stack: 'band', symbol: 'none', lineStyle: { opacity: 0 },
          areaStyle: { color: COLORS[2], opacity: 0.15 }, data: before.concat(ahead.map((f) => f.high - f.low)) },
      ],
    }, true);
    onChartClick('chart-daily', (p) => {
      if (p.dataIndex < rows.length) {
        openDrill('day_orders', 'Orders placed · ' + shortDay.format(new Date(rows[p.dataIndex].day + 'T00:00:00')),
          { day: rows[p.dataIndex].day });
      }
    });
  }

  // ---------------------------------------------------------------- the tiles' sparklines

  const SPARK_DAYS = 14;
  const SVG = 'http://www.w3.org/2000/svg';
  let summaryShown = false;
  let kpiDays = []; // kpi_days' rows, oldest first

  const MEASURE_NAMES = {
    orders: 'orders placed', average_order_value: 'average order value', conversion_rate: 'conversion rate',
    returns_rate: 'returns rate', new_customer_share: 'new-customer share', repeat_customer_share: 'repeat-customer share',
  };
  /** A kpi_tiles measure's value as its tile shows it (money, a count, or a rate in %). */
  function measureValue(measure, value) {
    if (value == null) return '—';
    if (measure === 'orders') return count.format(value);
    if (measure === 'average_order_value' || measure === 'net_sales') return money(value);
    return (measure === 'conversion_rate' ? twoDecimals : oneDecimal).format(value) + ' %';
  }

  /** The days of the last SPARK_DAYS (daily_revenue's rows, oldest first) that fall in a tile's period. */
  function inPeriod(period, days) {
    const last = days[days.length - 1].day; // as_of's day
    return days.map((d, i) => (period === 'today' ? i === days.length - 1
      : period === 'last_7_days' ? i >= days.length - 7
        : period === 'month_to_date' ? d.day.slice(0, 7) === last.slice(0, 7)
          : d.day.slice(0, 4) === last.slice(0, 4)));
  }

  /**
   * Each net-sales tile's recent days: daily_revenue's net sales of the last SPARK_DAYS shop days,
   * the days of the tile's period in the accent colour. Drawn once both the tiles and the daily
   * chart have their rows.
   */
  function drawSparklines() {
    if (!summaryShown || dailyRows.length === 0) return;
    const days = dailyRows.slice(-SPARK_DAYS);
    document.querySelectorAll('.tile[data-period]').forEach((tile) => {
      drawSpark(tile, days.map((d) => Number(d.net_sales)), inPeriod(tile.dataset.period, days), days.map((d) => d.day),
        'net sales by day, the last ' + days.length + ' days (this period in colour)');
    });
  }

  /**
   * A tile's sparkline: `values` by day, oldest first (null: nothing to measure that day, a gap),
   * the days `inside` the tile's period in the accent colour, the last day as a dot.
   */
  function drawSpark(tile, values, inside, days, caption) {
    const known = values.filter((v) => v != null);
    const low = Math.min(0, ...known);
    const span = (known.length ? Math.max(...known) : 0) - low || 1;
    const point = (v, i) => (v == null ? null
      : `${(i * 116) / Math.max(values.length - 1, 1) + 2},${24 - ((v - low) / span) * 20}`);
    const line = (points, className) => {
      const polyline = document.createElementNS(SVG, 'polyline');
      polyline.setAttribute('points', points.filter((p) => p != null).join(' '));
      polyline.setAttribute('class', className);
      return polyline;
    };
    let svg = tile.querySelector('svg.spark');
    if (!svg) {
      svg = document.createElementNS(SVG, 'svg');
      svg.setAttribute('class', 'spark');
      svg.setAttribute('viewBox', '0 0 120 28');
      svg.setAttribute('preserveAspectRatio', 'none'); // the tile's width, from its left edge
      tile.appendChild(svg);
    }
    const all = values.map(point);
    const first = inside.indexOf(true);
    const shapes = [line(all, 'spark-all'), line(first < 0 ? [] : all.slice(first), 'spark-period')];
    // the period's last day (as_of's) as a dot too: today's period is that one point
    if (all.length && all[all.length - 1] != null) {
      const [x, y] = all[all.length - 1].split(',');
      const dot = document.createElementNS(SVG, 'circle');
      Object.entries({ cx: x, cy: y, r: 2.5, class: 'spark-dot' }).forEach(([name, value]) => dot.setAttribute(name, value));
      shapes.push(dot);
    }
    svg.replaceChildren(...shapes);
    svg.dataset.values = values.map((v) => (v == null ? '' : v)).join(',');
    svg.dataset.days = days.join(',');
    const title = document.createElementNS(SVG, 'title');
    title.textContent = caption;
    svg.appendChild(title);
  }

  /** Runs `open` with the clicked item of a chart (replacing the chart's earlier handler). */
  function onChartClick(id, open) {
    chart(id).off('click');
    chart(id).on('click', open);
  }

  /** The forecast of the moment shown: the daily chart's next days, and the month-end projection on its tile. */
  async function loadForecast(asOf) {
    const note = document.querySelector('[data-kpi-note="month_end"]');
    try {
      forecast = await api('/api/forecast', { days: 8, as_of: asOf });
      note.textContent = forecast.month_end
        ? 'projected month end ' + moneyRound.format(forecast.month_end.projected) + ' (forecast)'
        : 'no month-end projection: ' + forecast.reason;
    } catch (e) {
      if (e instanceof SignedOut) throw e;
      forecast = null;
      note.textContent = '';
    }
    if (dailyRows.length) drawDaily();
  }

  /**
   * An imported history whose newest order is more than a day old opens as of that order, not on an
   * empty "today" (the Now button shows the present); the note says so.
   */
  async function openAsOfTheShop() {
    try {
      shop = await api('/api/shop');
    } catch (e) {
      if (e instanceof SignedOut) throw e;
      shop = { missing: [] };
    }
    useShopFormats(shop.currency || 'GBP');
    const note = $('#as-of-note');
    if (shop.opens_as_of && !$('#as-of').value) {
      $('#as-of').value = shop.opens_as_of;
      note.textContent = 'Imported history: its newest order is of ' + shop.opens_as_of.replace('T', ' ')
        + ', so the dashboard shows the shop as of then (Now for the present).';
      note.hidden = false;
    } else {
      note.hidden = true;
    }
  }

  const MISSING = {
    clickstream: 'The imported order history holds no clickstream (page views, carts): there is no funnel to show.',
    stock: 'The imported order history holds no stock levels: there is nothing to show for low stock.',
  };

  async function runPanel(panel, asOf) {
    const section = document.querySelector(`[data-report="${panel.report}"]`);
    if (panel.needs && shop.missing.includes(panel.needs)) {
      setState(section, 'nodata', MISSING[panel.needs]);
      return;
    }
    if (panel.source) {
      // a panel of its own source takes its report's filters when it says so (`filtered`)
      const filters = filtersFor(panel.filtered ? catalog[panel.report] : null);
      showFilters(section, filters);
      setState(section, 'loading');
      try {
        const rows = await panel.source(asOf, filters.applied);
        panel.render(rows, section);
        setState(section, rows.length === 0 ? 'empty' : 'ready', rows.length === 0 ? panel.empty : '');
      } catch (e) {
        if (e instanceof SignedOut) throw e;
        setState(section, 'error', 'Could not load: ' + e.message);
      }
      return;
    }
    const report = catalog[panel.report];
    if (!report) {
      setState(section, 'missing', `This server has no ${panel.report} report yet.`);
      return;
    }
    if (!report.readable) {
      setState(section, 'locked', 'This panel lists customers: it needs the analyst role (your token is a '
        + $('#role').textContent + '). Ask an admin for an analyst token.');
      return;
    }
    const filters = filtersFor(report);
    showFilters(section, filters);
    setState(section, 'loading');
    try {
      const result = await api('/api/reports/' + panel.report, { ...(panel.params || {}), ...filters.applied, as_of: asOf });
      if (result.rows.length === 0) {
        setState(section, 'empty', panel.empty || 'No data for this moment.');
        panel.render(result.rows, section);
        return;
      }
      panel.render(result.rows, section);
      setState(section, 'ready');
    } catch (e) {
      if (e instanceof SignedOut) throw e;
      setState(section, 'error', 'Could not load: ' + e.message);
    }
  }

  // The panels a change notice of a table reloads, for the tables few panels read: the clickstream
  // feeds only the funnel (and the vitals' and the tiles' conversion), the alerts table only the alerts panel. A
  // notice naming any other table reloads everything.
  const READ_BY = {
    page_views: ['conversion_funnel', 'shop_vitals', 'kpi_tiles'],
    cart_events: ['conversion_funnel', 'shop_vitals', 'kpi_tiles'],
    alerts: ['alerts'],
  };

  /** A `changed` event's data: { tables, as_of }, or {} when it is not JSON. */
  function changeNotice(event) {
    try {
      return JSON.parse(event.data) || {};
    } catch (notJson) {
      return {};
    }
  }

  /** The panels a change notice affects (it names the tables written), or null for all. */
  function affectedPanels(notice) {
    const tables = notice.tables;
    if (!Array.isArray(tables) || tables.length === 0) return null;
    const panels = new Set();
    for (const table of tables) {
      if (!READ_BY[table]) return null;
      READ_BY[table].forEach((panel) => panels.add(panel));
    }
    return panels;
  }

  /**
   * Runs every panel (or only those of `only`, a Set of report names), as of the picker's moment,
   * else `pushed`, else now; a change notice that arrives meanwhile runs what it affects once more
   * afterwards. `pushed` is the moment a change notice names (as_of: on a Citus cluster the one its
   * rollup job brought the rollups up to): every row committed before it is in the rollups, so the
   * reports answer at once, where as of now each would first apply what came since.
   */
  async function loadAll(only = null, pushed = null) {
    if (loading) {
      againPanels = only === null || againPanels === null ? null : new Set([...(againPanels || []), ...only]);
      // as of now once any notice named no moment (its row may be newer than any moment named)
      againAsOf = again && againAsOf === null ? null : pushed;
      again = true;
      return;
    }
    loading = true;
    try {
      const asOf = $('#as-of').value || pushed || null;
      const panels = only ? PANELS.filter((panel) => only.has(panel.report)) : PANELS;
      const results = await Promise.allSettled(panels.map((panel) => runPanel(panel, asOf))
        .concat(only ? [] : [loadForecast(asOf)]));
      const signedOut = results.find((r) => r.status === 'rejected' && r.reason instanceof SignedOut);
      if (signedOut) {
        showSignIn(signedOut.reason.message);
        return;
      }
      loads += 1;
      document.body.dataset.loads = String(loads);
      $('#updated').textContent = 'updated ' + new Date().toLocaleTimeString(locale)
        + ($('#as-of').value ? ' · as of ' + asOf.replace('T', ' ')
          : pushed ? ' · as of ' + new Date(pushed).toLocaleTimeString(locale) : ' · as of now');
    } finally {
      loading = false;
    }
    if (again) {
      const next = againPanels === undefined ? null : againPanels;
      const nextAsOf = againAsOf;
      again = false;
      againPanels = undefined;
      againAsOf = null;
      await loadAll(next, nextAsOf);
    }
  }

  // ---------------------------------------------------------------- drill-downs

  // GET /api/drill/{name}: the rows behind a figure, a page at a time; the first page's as_of (the
  // dashboard's moment, or now) holds for the next pages through the cursor.
  const DRILL_PAGE = 25;
  const MONEY_COLUMNS = new Set(['gross_sales', 'discounts', 'returns', 'net_sales', 'shipping', 'taxes',
    'total_sales', 'monetary', 'expected_net_sales_12m']);
  const isMoment = (value) => typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value);
  /** The list shown: { name, params, onRow, cursors (of the pages so far; null: the first), next, asOf }. */
  let drill = null;

  function drillValue(column, value) {
    if (value == null) return '—';
    if (MONEY_COLUMNS.has(column)) return money(value);
    if (column.endsWith('_pct')) return percent(value);
    if (typeof value === 'number') return column.endsWith('_id') ? String(value) : count.format(value);
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    if (isMoment(value)) return new Date(value).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
    return String(value);
  }

  /** A product's orders, and what was bought with it a click away. */
  const openProduct = (r) => openDrill('product_orders', 'Orders with ' + r.product_name, { product_id: r.product_id },
    [{ label: 'Bought with it', name: 'product_partners', title: 'Bought with ' + r.product_name }]);

  /**
   * The report a drill lists the rows of: the drill takes that report's filters (docs/filters.md),
   * so the filter bar applies to the list as to the figure clicked, and its total is that figure.
   */
  const DRILL_REPORT = {
    period_orders: 'revenue_summary', day_orders: 'daily_revenue',
    category_products: 'category_sales', product_orders: 'top_products', product_partners: 'market_basket',
  };

  /**
   * Opens the rows of drill `name` with `params` (and the filter bar's filters its report takes);
   * `related` lists other drills of the same parameters, `onRow` what a click on a row opens (none:
   * rows are not clickable).
   */
  function openDrill(name, title, params, related = [], onRow = null) {
    const report = catalog[DRILL_REPORT[name]];
    const filters = report ? filtersFor(report).applied : {};
    const filtered = Object.entries(filters).map(([filter, value]) => filter + ' ' + value).join(', ');
    drill = { name, params: { ...params, ...filters }, onRow, cursors: [null], next: null, asOf: null };
    $('#drill').dataset.filters = Object.keys(filters).join(' ');
    $('#drill-title').textContent = filtered ? title + ' · ' + filtered : title;
    $('#drill').dataset.drill = name;
    $('#drill').hidden = false;
    $('#drill-total').textContent = '';
    $('#drill-csv').hidden = !['analyst', 'admin'].includes($('#role').textContent);
    const links = related.map((other) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'ghost';
      button.textContent = other.label;
      button.addEventListener('click', () => openDrill(other.name, other.title, params,
        [{ label: '← ' + title, name, title }]));
      return button;
    });
    $('#drill-related').replaceChildren(...links);
    return showDrillPage();
  }

  async function showDrillPage() {
    const shown = drill;
    const cursor = shown.cursors[shown.cursors.length - 1];
    const box = $('#drill');
    box.dataset.state = 'loading';
    try {
      const page = await api('/api/drill/' + shown.name, cursor
        ? { cursor, limit: DRILL_PAGE }
        : { ...shown.params, as_of: $('#as-of').value || null, limit: DRILL_PAGE });
      if (drill !== shown) return; // another list opened meanwhile
      if (page.total) {
        shown.asOf = page.as_of;
        $('#drill-total').textContent = 'Total: ' + Object.entries(page.total)
          .map(([column, value]) => column.replaceAll('_', ' ') + ' ' + drillValue(column, value)).join(' · ');
      }
      shown.next = page.next_cursor;
      table('drill-table', page.columns.map((column) => ({
        label: column.replaceAll('_', ' '),
        numeric: MONEY_COLUMNS.has(column) || page.rows.some((r) => typeof r[column] === 'number'),
        value: (r) => drillValue(column, r[column]),
      })), page.rows, DRILL_PAGE, shown.onRow);
      $('#drill-page').textContent = 'page ' + shown.cursors.length + (page.rows.length === 0 ? ' · no rows' : '');
      $('#drill-first').disabled = shown.cursors.length === 1;
      $('#drill-next').disabled = !shown.next;
      $('#drill-message').textContent = '';
      box.dataset.state = 'ready';
    } catch (e) {
      if (e instanceof SignedOut) {
        showSignIn(e.message);
        return;
      }
      $('#drill-table').replaceChildren();
      $('#drill-message').textContent = 'Cannot show these rows: ' + e.message;
      box.dataset.state = 'error';
    }
  }

  /** The whole list as CSV (analysts), as of the moment of its first page, saved as a file. */
  async function downloadDrill() {
    const url = new URL('/api/drill/' + drill.name, window.location.origin);
    Object.entries({ ...drill.params, as_of: drill.asOf, format: 'csv' })
      .forEach(([name, value]) => { if (value != null) url.searchParams.set(name, value); });
    const response = await fetch(url, { headers: { Authorization: 'Bearer ' + token } });
    if (!response.ok) {
      $('#drill-message').textContent = 'Cannot export: HTTP ' + response.status;
      return;
    }
    const link = document.createElement('a');
    link.href = URL.createObjectURL(await response.blob());
    link.download = drill.name + '.csv';
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000); // once the browser has saved it
  }

  // ---------------------------------------------------------------- live updates

  function setLive(state, text) {
    const live = $('#live');
    live.dataset.state = state;
    live.textContent = text;
  }

  function closeEvents() {
    if (events) events.close();
    events = null;
    clearTimeout(reconnectTimer);
  }

  /** EventSource cannot send the token: it asks for a one-use ticket first, and a new one on each reconnect. */
  async function connectEvents() {
    closeEvents();
    if (!token) return;
    setLive('connecting', 'connecting…');
    try {
      const response = await fetch('/api/events/ticket', { method: 'POST', headers: { Authorization: 'Bearer ' + token } });
      if (response.status === 401) {
        showSignIn('Your token no longer works: please sign in again.');
        return;
      }
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const { ticket } = await response.json();
      const wasDown = reconnectDelay > 1000;
      events = new EventSource('/api/events/stream?ticket=' + encodeURIComponent(ticket));
      events.addEventListener('ready', () => {
        setLive('live', 'live');
        if (wasDown) loadAll(); // changes may have been missed while disconnected
        reconnectDelay = 1000;
      });
      events.addEventListener('changed', (event) => {
        const notice = changeNotice(event);
        loadAll(affectedPanels(notice), notice.as_of || null);
      });
      events.onerror = () => {
        closeEvents();
        reconnectLater();
      };
    } catch (e) {
      reconnectLater();
    }
  }

  function reconnectLater() {
    setLive('down', 'reconnecting…');
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connectEvents, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 30000);
  }

  // ---------------------------------------------------------------- start

  $('#signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    signIn($('#token').value);
  });
  $('#signout').addEventListener('click', () => showSignIn());
  $('#as-of').addEventListener('change', () => loadAll());
  $('#filters').addEventListener('change', () => { filtersToUrl(); loadAll(); });
  $('#filters').addEventListener('submit', (event) => { event.preventDefault(); filtersToUrl(); loadAll(); });
  $('#filters-clear').addEventListener('click', () => { $('#filters').reset(); filtersToUrl(); loadAll(); });
  $('#as-of-now').addEventListener('click', () => {
    $('#as-of').value = '';
    $('#as-of-note').hidden = true;
    loadAll();
  });
  document.querySelectorAll('.tile[data-period]').forEach((tile) => {
    const open = () => openDrill('period_orders', 'Orders and returns · '
      + tile.dataset.period.replaceAll('_', ' '), { period: tile.dataset.period });
    tile.tabIndex = 0;
    tile.addEventListener('click', open);
    tile.addEventListener('keydown', (event) => { if (event.key === 'Enter') open(); });
  });
  // the measure tiles: orders, order value and returns to the period's orders and returns; the
  // customer shares to the orders of first-time or of returning customers (the conversion rate's
  // sessions have no list)
  document.querySelectorAll('.tile[data-measure][data-drill]').forEach((tile) => {
    const type = tile.dataset.customerType;
    const open = () => type ? openCustomerShare(type)
      : openDrill(tile.dataset.drill, 'Orders and returns · month to date', { period: 'month_to_date' });
    tile.tabIndex = 0;
    tile.addEventListener('click', open);
    tile.addEventListener('keydown', (event) => { if (event.key === 'Enter') open(); });
  });
  /**
   * The orders a customer-share tile counts: its customer kind's orders of the month. Under the
   * filter bar's filters the tile counts the orders they name, so the list is the period's orders
   * with those filters and the kind as the `customer` filter (period_customer_orders takes no
   * filters); a bar keeping only the other kind leaves the tile nothing to count.
   */
  function openCustomerShare(type) {
    const title = (type === 'first_time' ? 'Orders by first-time customers' : 'Orders by returning customers')
      + ' · month to date';
    const period = { period: 'month_to_date' };
    const applied = filtersFor(catalog[DRILL_REPORT.period_orders]).applied;
    const customer = type === 'first_time' ? 'new' : 'returning';
    if (Object.keys(applied).length === 0) return openDrill('period_customer_orders', title, { ...period, customer_type: type });
    if (!applied.customer || applied.customer === customer) return openDrill('period_orders', title, { ...period, customer });
    drill = null;
    $('#drill').dataset.drill = 'period_orders';
    $('#drill-title').textContent = title;
    $('#drill-total').textContent = '';
    $('#drill-related').replaceChildren();
    $('#drill-table').replaceChildren();
    $('#drill-page').textContent = 'no rows';
    $('#drill-message').textContent = 'None: the filter bar keeps only ' + applied.customer + ' customers\' orders.';
    $('#drill-first').disabled = true;
    $('#drill-next').disabled = true;
    $('#drill-csv').hidden = true;
    $('#drill').hidden = false;
    $('#drill').dataset.state = 'empty';
  }

  $('#drill-close').addEventListener('click', () => { $('#drill').hidden = true; drill = null; });
  $('#drill-next').addEventListener('click', () => { drill.cursors.push(drill.next); showDrillPage(); });
  $('#drill-first').addEventListener('click', () => { drill.cursors = [null]; showDrillPage(); });
  $('#drill-csv').addEventListener('click', () => downloadDrill());
  window.addEventListener('resize', () => Object.values(charts).forEach((c) => c.resize()));

  if (token) signIn(token); else showSignIn();
})();
