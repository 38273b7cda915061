import { STORES, rendered, storeConfig } from './helpers';

// One focused snapshot per store per environment: the rendered config file.
describe.each(['dev', 'staging', 'production'])('%s', (name) => {
  test.each(STORES)('%s config', (store) => {
    expect(storeConfig(rendered(name), store).text).toMatchSnapshot();
  });
});
