// run.js: DHIS2's own client code against kehoach (issue 17).
//
// e2e/dhis2client_test.go starts kehoach on a free port and writes on
// stdin {baseUrl, apiVersion, tokens: {user: token}, cases: [...]}; each
// case is sent the way DHIS2 apps send it, through @dhis2/data-engine's
// RestAPILink (versioned path /api/NN/, dimensions joined by commas,
// Authorization: ApiToken) and @dhis2/analytics' request builder, and the
// answer is read with @dhis2/analytics' AnalyticsResponse parser. It
// prints one JSON result per case on stdout; the Go test compares them
// with kehoach's documented queries.
'use strict'

const path = require('path')
const Module = require('module')

// The analytics API classes of @dhis2/analytics load its icon components
// from @dhis2/ui (a React UI kit that needs a browser DOM) at require
// time and never call them on this path: give them inert ones, so that
// the request builder and the response parser are DHIS2's own, unchanged.
const load = Module._load
Module._load = function (request, ...rest) {
    if (request === '@dhis2/ui') {
        return new Proxy({}, { get: () => function Icon() { return null } })
    }
    return load.call(this, request, ...rest)
}

const { DataEngine, RestAPILink } = require('@dhis2/data-engine')
// The package's "exports" only offers the whole library (React
// components that need @dhis2/app-runtime); its API classes are loaded
// from their files.
const api = (file) =>
    require(path.join(__dirname, 'node_modules/@dhis2/analytics/build/cjs/api/analytics', file)).default
const Analytics = api('Analytics.js')
const AnalyticsResponse = api('AnalyticsResponse.js')

// requests records what the client code sends (the Go test checks the
// versioned paths, the joined dimensions and the ApiToken scheme, and the
// note lists them).
const requests = []
const realFetch = globalThis.fetch
globalThis.fetch = async (url, init = {}) => {
    const auth = (init.headers && init.headers.Authorization) || ''
    const res = await realFetch(url, init)
    requests.push({ url: String(url), authorization: auth.split(' ')[0], status: res.status })
    return res
}

const readStdin = async () => {
    const chunks = []
    for await (const c of process.stdin) chunks.push(c)
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
}

// analyticsFor returns DHIS2's Analytics object over a data engine that
// authenticates with token (getAnalytics keeps one instance: reset it).
const analyticsFor = (plan, token) => {
    const engine = new DataEngine(
        new RestAPILink({ baseUrl: plan.baseUrl, apiVersion: plan.apiVersion, apiToken: token })
    )
    Analytics.getAnalytics.analytics = undefined
    return { engine, analytics: Analytics.getAnalytics(engine) }
}

// build makes the request with the builder Data Visualizer uses.
const build = (analytics, c) => {
    let req = new analytics.request()
    for (const [dim, items] of c.dimensions || []) req = req.addDimension(dim, items)
    for (const [dim, items] of c.filters || []) req = req.addFilter(dim, items)
    if (c.parameters) req = req.withParameters(c.parameters)
    if (c.relativePeriodDate) req = req.withRelativePeriodDate(c.relativePeriodDate)
    if (c.includeNumDen) req = req.withIncludeNumDen()
    if (c.showHierarchy) req = req.withShowHierarchy().withHierarchyMeta()
    if (c.displayProperty) req = req.withDisplayProperty(c.displayProperty)
    if (c.aggregationType) req = req.withAggregationType(c.aggregationType)
    return req
}

// parsed is what a client reads of an analytics answer, through
// AnalyticsResponse.
const parsed = (raw, c) => {
    const res = new AnalyticsResponse(raw)
    const out = {
        headers: res.headers.map((h) => h.name),
        rows: res.rows,
        items: Object.fromEntries(
            Object.entries(res.metaData.items || {}).map(([k, v]) => [k, v.name + '|' + (v.dimensionItemType || v.dimensionType || '')])
        ),
        dimensions: res.metaData.dimensions,
        ouHierarchy: res.metaData.ouHierarchy,
    }
    if (c.showHierarchy) {
        const names = {}
        const before = res.metaData.dimensions.ou.slice()
        res.sortOrganisationUnitsHierarchy() // reads ouHierarchy and items
        // sortOrganisationUnitsHierarchy keeps ids; recompute the full names
        // it sorted by, from the same metaData, for the test to check.
        for (const id of before) {
            const chain = [...(res.metaData.ouHierarchy[id] || '').split('/').filter(Boolean), id]
            names[id] = chain.map((x) => (res.metaData.items[x] || {}).name).join(' / ')
        }
        out.fullNames = names
        out.sortedOu = res.metaData.dimensions.ou
    }
    return out
}

const runCase = async (plan, c) => {
    const { engine, analytics } = analyticsFor(plan, plan.tokens[c.user])
    switch (c.kind) {
        case 'startup': {
            const r = await engine.query({
                info: { resource: 'system/info' },
                me: { resource: 'me', params: { fields: ['id', 'username', 'organisationUnits[id,name,path]'] } },
            })
            return { version: r.info.version, username: r.me.username, orgUnits: r.me.organisationUnits.map((u) => u.id) }
        }
        case 'get': // Data Visualizer: data and metaData asked apart, in parallel
            return parsed(await analytics.aggregate.get(build(analytics, c)), c)
        case 'fetch': // one request, dimensions in the order given
            return parsed(await analytics.aggregate.fetch(build(analytics, c)), c)
        case 'dataValueSet':
            return await analytics.aggregate.getDataValueSet(build(analytics, c))
        case 'rawData':
            return parsed(await analytics.aggregate.getRawData(build(analytics, c)), c)
    }
    throw new Error('unknown case kind ' + c.kind)
}

const main = async () => {
    const plan = await readStdin()
    const results = []
    for (const c of plan.cases) {
        const from = requests.length
        try {
            const result = await runCase(plan, c)
            results.push({ name: c.name, ok: true, result, requests: requests.slice(from) })
        } catch (e) {
            results.push({ name: c.name, ok: false, error: String(e && e.message), type: e && e.type, details: e && e.details, requests: requests.slice(from) })
        }
    }
    process.stdout.write(JSON.stringify(results))
}

main().catch((e) => {
    console.error(e)
    process.exit(1)
})
