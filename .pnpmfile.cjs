// pnpm hooks. beforePacking (pnpm ≥ 10.28) edits the package.json that `pnpm pack` / `pnpm publish` put in a
// tarball, never the file on disk: devDependencies (the private @steadygrad/tsconfig and vitest-config among
// them) are build-time only and are not published. check-packages verifies it on the real tarballs.
module.exports = {
  hooks: {
    beforePacking(pkg) {
      delete pkg.devDependencies;
      return pkg;
    },
  },
};
