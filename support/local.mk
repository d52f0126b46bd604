## support/local.mk: what pkrewind installs for shells and editors.
##
## The bash completion goes into $(bashcompdir), by default
## $(datadir)/bash-completion/completions: the Debian package's
## /usr/share/bash-completion/completions, and for a /usr/local build a
## directory bash-completion also searches (XDG_DATA_DIRS).  Not
## `pkg-config --variable=completionsdir bash-completion': that is
## /usr/share/... whatever the prefix, outside a /usr/local or distcheck
## installation.  The Vim files go into $(vimfilesdir), by default
## $(datadir)/vim/vimfiles: /usr/share/vim/vimfiles is on Debian's Vim
## runtimepath; /usr/local/share/vim/vimfiles is not (README, Install).

dist_bashcomp_DATA = support/bash-completion/pkrewind

vimsyntaxdir = $(vimfilesdir)/syntax
dist_vimsyntax_DATA = support/vim/syntax/pkrewind.vim
vimftdetectdir = $(vimfilesdir)/ftdetect
dist_vimftdetect_DATA = support/vim/ftdetect/pkrewind.vim
