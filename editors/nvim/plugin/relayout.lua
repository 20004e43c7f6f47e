-- :RelayoutMove for users who only call vim.lsp.enable('relayout') (0.11+);
-- require('relayout').setup() defines it too.
if vim.g.loaded_relayout or vim.fn.has('nvim-0.7') == 0 then
  return
end
vim.g.loaded_relayout = 1
vim.api.nvim_create_user_command('RelayoutMove', function(args)
  require('relayout').move_command(args)
end, { nargs = '+', bang = true, complete = 'file', desc = 'Move a file or folder and fix its imports (relayout)' })
