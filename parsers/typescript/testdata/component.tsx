import React, {useState, type FC} from 'react';
import styles from './Button.module.css';
import type {Props} from './types';

const Page = React.lazy(() => import('./pages/Page'));

export const Button: FC<Props> = ({label, items}) => {
  const [open, setOpen] = useState(false);
  const icon = require('./icon.svg');
  return (
    <div className={styles.root} data-module="not-a-ref">
      {open && <Page title="import x from 'nope'" />}
      {items.map((it) => (
        <span key={it.id}>{require(`./labels/${it.id}`)}</span>
      ))}
      <img src={require("./logo.png")} alt="logo" />
      {label}
    </div>
  );
};

export {default as Icon} from './Icon';
export * from "./hooks";
