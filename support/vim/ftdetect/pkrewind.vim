" pkrewind policy files (pkrewind.policy(5)): *.policy, and the system
" policy /etc/pkrewind/policy and the user's ~/.config/pkrewind/policy.
au BufNewFile,BufRead *.policy,*/pkrewind/policy	setfiletype pkrewind
