-- Nvim 0.11+: the default configuration `vim.lsp.enable('relayout')` finds on
-- 'runtimepath'; override any field with vim.lsp.config('relayout', {...}).
return require('relayout').client_config()
