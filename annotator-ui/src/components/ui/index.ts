// The small design system: buttons, fields, alerts, dialogs, toasts, empty states. Screens import the
// kit from here.
export { Button, ButtonLink, Icon } from './Button';
export { FilterSelect, SearchInput, SelectField, TextAreaField, TextField } from './fields';
export { Checkbox, SubmitRow } from './forms';
export { Alert, describeError, EmptyState, ErrorState, LoadMore, Loading, QueryView } from './states';
export { ConfirmDialog, ConfirmMutation, Dialog, Drawer } from './Dialog';
export { CopyButton, SecretReveal } from './secrets';
export { ToastProvider, useToast } from './toast';
export { Badge, Card, ListTable, PageHeader, RuleChips, Stats } from './layout';
export { DetailRow, HeadCells, NameCell, Table, WhenCell, type Column } from './Table';
