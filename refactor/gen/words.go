package gen

// Vocabulary for directory and module names. The words of the hot modules
// and of the moved package ("settlement", "reconciliation") appear nowhere
// here, so the candidate prefilter of a move sees exactly the files that
// really mention them.
var (
	// pyAreas name the top-level subpackages of the Python project.
	pyAreas = []string{
		"billing", "orders", "catalog", "identity", "inventory", "shipping",
		"analytics", "notifications", "search", "payments", "reporting",
		"platform", "integrations", "scheduling", "pricing", "accounts",
		"support", "content", "media", "compliance", "checkout", "fulfillment",
		"loyalty", "marketing", "onboarding", "partners", "procurement",
		"returns", "reviews", "risk", "routing", "sales", "security", "tenants",
		"warranty", "messaging", "forecasting", "auditing", "documents", "admin",
	}
	// pySubdirs name nested Python packages.
	pySubdirs = []string{
		"core", "api", "services", "models", "handlers", "adapters",
		"repositories", "domain", "workers", "tasks", "utils", "schemas",
		"views", "clients", "events", "storage", "cache", "validators",
		"serializers", "policies", "jobs", "internal", "v1", "v2", "common",
		"helpers", "backends", "providers", "mixins", "commands", "queries",
		"pipelines", "exporters", "webhooks", "rules", "tests",
	}
	// nouns and suffixes combine into module names (order_service,
	// invoiceMapper, CustomerTable).
	nouns = []string{
		"order", "invoice", "customer", "account", "session", "token",
		"ledger", "refund", "discount", "coupon", "cart", "product", "price",
		"tax", "currency", "address", "shipment", "carrier", "parcel",
		"warehouse", "stock", "report", "metric", "event", "message",
		"email", "template", "user", "role", "permission", "audit", "batch",
		"schedule", "slot", "booking", "payment", "charge", "subscription",
		"plan", "quota", "feature", "flag", "setting", "profile", "team",
		"document", "upload", "search", "query", "filter", "webhook",
	}
	suffixes = []string{
		"service", "model", "handler", "client", "store", "repository",
		"factory", "builder", "parser", "validator", "serializer", "view",
		"mapper", "utils", "helpers", "types", "schema", "manager", "worker",
		"task", "policy", "cache", "adapter", "gateway", "registry",
		"resolver", "formatter", "events", "errors", "constants",
	}
	// tsTop name the directories directly under web/src.
	tsTop = []string{
		"components", "features", "lib", "hooks", "pages", "services",
		"store", "utils", "api", "layouts", "providers", "routes", "styles",
		"config", "i18n", "types", "widgets", "modules", "shared", "app",
	}
	// tsSubdirs name nested TS directories.
	tsSubdirs = []string{
		"components", "hooks", "utils", "api", "types", "views", "forms",
		"widgets", "tables", "modals", "charts", "state", "selectors",
		"panels", "details", "list", "editor", "filters", "shared", "common",
		"internal", "v2", "legacy", "layout", "dialogs", "cards",
	}
	// externals are third-party imports that resolve to nothing in the
	// workspace.
	pyExternals = []string{"requests", "sqlalchemy", "pydantic", "celery", "redis", "boto3", "structlog", "attrs"}
	tsExternals = []string{"lodash", "date-fns", "zod", "axios", "@tanstack/react-query", "clsx", "@acme/ui", "zustand"}
)
