import { steadygradVitest } from '@steadygrad/vitest-config';

export default steadygradVitest();
